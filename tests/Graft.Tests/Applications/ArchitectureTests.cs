using Graft.Models;
using A = Graft.Applications.Applications;

namespace Graft.Tests.Applications;

/// <summary>
/// Every architecture against the parameter counts Keras documents, with and without the top, and
/// its weights through Keras 2's weights-only layout by layer name into a fresh instance.
/// </summary>
/// <remarks>
/// Figures: the exact totals are those Keras's <c>model.summary()</c> prints for each application
/// ("Total params"); the rounded ones, which they must agree with, are Keras's own tables: "Size"
/// (with the top) and "Stem" (without) in the Performance table of keras-team/keras-applications'
/// README.md (commit bc89834, "Adds MobiletNetV3 to applications"), and "Parameters" on
/// keras.io/api/applications. No forward pass runs here: building the graph creates every weight.
/// </remarks>
public class ArchitectureTests
{
    public sealed record Case(string Name, Func<bool, string?, Model> Create, long Total, long NoTop, double SizeM, double StemM)
    {
        public override string ToString() => Name;
    }

    private static readonly Case[] s_cases =
    [
        new("ResNet50", (top, w) => A.ResNet50(includeTop: top, weights: w), 25_636_712, 23_587_712, 25.6, 23.6),
        new("ResNet101", (top, w) => A.ResNet101(includeTop: top, weights: w), 44_707_176, 42_658_176, 44.7, 42.7),
        new("ResNet152", (top, w) => A.ResNet152(includeTop: top, weights: w), 60_419_944, 58_370_944, 60.4, 58.4),
        new("ResNet50V2", (top, w) => A.ResNet50V2(includeTop: top, weights: w), 25_613_800, 23_564_800, 25.6, 23.6),
        new("ResNet101V2", (top, w) => A.ResNet101V2(includeTop: top, weights: w), 44_675_560, 42_626_560, 44.7, 42.6),
        new("ResNet152V2", (top, w) => A.ResNet152V2(includeTop: top, weights: w), 60_380_648, 58_331_648, 60.4, 58.3),
        new("VGG16", (top, w) => A.VGG16(includeTop: top, weights: w), 138_357_544, 14_714_688, 138.4, 14.7),
        new("VGG19", (top, w) => A.VGG19(includeTop: top, weights: w), 143_667_240, 20_024_384, 143.7, 20.0),
        new("MobileNet", (top, w) => A.MobileNet(includeTop: top, weights: w), 4_253_864, 3_228_864, 4.3, 3.2),
        new("MobileNetV2", (top, w) => A.MobileNetV2(includeTop: top, weights: w), 3_538_984, 2_257_984, 3.5, 2.3),
        new("DenseNet121", (top, w) => A.DenseNet121(includeTop: top, weights: w), 8_062_504, 7_037_504, 8.1, 7.0),
        new("DenseNet169", (top, w) => A.DenseNet169(includeTop: top, weights: w), 14_307_880, 12_642_880, 14.3, 12.6),
        new("DenseNet201", (top, w) => A.DenseNet201(includeTop: top, weights: w), 20_242_984, 18_321_984, 20.2, 18.3),
        new("InceptionV3", (top, w) => A.InceptionV3(includeTop: top, weights: w), 23_851_784, 21_802_784, 23.9, 21.8),
        new("Xception", (top, w) => A.Xception(includeTop: top, weights: w), 22_910_480, 20_861_480, 22.9, 20.9),
        new("EfficientNetB0", (top, w) => A.EfficientNetB0(includeTop: top, weights: w), 5_330_571, 4_049_571, 5.3, 4.0),
        new("EfficientNetB1", (top, w) => A.EfficientNetB1(includeTop: top, weights: w), 7_856_239, 6_575_239, 7.9, 6.6),
        new("EfficientNetB2", (top, w) => A.EfficientNetB2(includeTop: top, weights: w), 9_177_569, 7_768_569, 9.2, 7.8),
        new("EfficientNetB3", (top, w) => A.EfficientNetB3(includeTop: top, weights: w), 12_320_535, 10_783_535, 12.3, 10.8),
        new("EfficientNetB4", (top, w) => A.EfficientNetB4(includeTop: top, weights: w), 19_466_823, 17_673_823, 19.5, 17.7),
        new("EfficientNetB5", (top, w) => A.EfficientNetB5(includeTop: top, weights: w), 30_562_527, 28_513_527, 30.6, 28.5),
        new("EfficientNetB6", (top, w) => A.EfficientNetB6(includeTop: top, weights: w), 43_265_143, 40_960_143, 43.3, 41.0),
        new("EfficientNetB7", (top, w) => A.EfficientNetB7(includeTop: top, weights: w), 66_658_687, 64_097_687, 66.7, 64.1),
    ];

    // The later families: exact totals as Keras's model.summary() prints them, and the "Parameters" column of
    // keras.io/api/applications (EfficientNetV2, ConvNeXt) or of mobilenet_v3.py's docstring table, rounded there.
    private static readonly Case[] s_laterCases =
    [
        new("EfficientNetV2B0", (top, w) => A.EfficientNetV2B0(includeTop: top, weights: w), 7_200_312, 5_919_312, 7.2, double.NaN),
        new("EfficientNetV2B1", (top, w) => A.EfficientNetV2B1(includeTop: top, weights: w), 8_212_124, 6_931_124, 8.2, double.NaN),
        new("EfficientNetV2B2", (top, w) => A.EfficientNetV2B2(includeTop: top, weights: w), 10_178_374, 8_769_374, 10.2, double.NaN),
        new("EfficientNetV2B3", (top, w) => A.EfficientNetV2B3(includeTop: top, weights: w), 14_467_622, 12_930_622, 14.5, double.NaN),
        new("EfficientNetV2S", (top, w) => A.EfficientNetV2S(includeTop: top, weights: w), 21_612_360, 20_331_360, 21.6, double.NaN),
        new("EfficientNetV2M", (top, w) => A.EfficientNetV2M(includeTop: top, weights: w), 54_431_388, 53_150_388, 54.4, double.NaN),
        new("EfficientNetV2L", (top, w) => A.EfficientNetV2L(includeTop: top, weights: w), 119_027_848, 117_746_848, 119.0, double.NaN),
        new("ConvNeXtTiny", (top, w) => A.ConvNeXtTiny(includeTop: top, weights: w), 28_589_128, 27_820_128, 28.6, double.NaN),
        new("ConvNeXtSmall", (top, w) => A.ConvNeXtSmall(includeTop: top, weights: w), 50_223_688, 49_454_688, 50.2, double.NaN),
        new("ConvNeXtBase", (top, w) => A.ConvNeXtBase(includeTop: top, weights: w), 88_591_464, 87_566_464, 88.5, double.NaN),
        new("ConvNeXtLarge", (top, w) => A.ConvNeXtLarge(includeTop: top, weights: w), 197_767_336, 196_230_336, 197.7, double.NaN),
        // Keras's own counts; the docstring's table (5.4M and 2.9M) gives TF-Slim's checkpoints' figures, 0.1M and 0.35M off Keras's model.
        new("MobileNetV3Small", (top, w) => A.MobileNetV3Small(includeTop: top, weights: w), 2_554_968, 939_120, 2.6, double.NaN),
        new("MobileNetV3Large", (top, w) => A.MobileNetV3Large(includeTop: top, weights: w), 5_507_432, 2_996_352, 5.5, double.NaN),
        new("ConvNeXtXLarge", (top, w) => A.ConvNeXtXLarge(includeTop: top, weights: w), 350_196_968, 348_147_968, 350.1, double.NaN),
    ];

    public static TheoryData<Case> Cases => [.. s_cases];
    public static TheoryData<Case> LaterCases => [.. s_laterCases];

    [Theory]
    [MemberData(nameof(LaterCases))]
    public void LaterFamiliesHaveKerasCountsAndLoadBack(Case c)
    {
        long total = c.Create(true, null).CountParams();
        // Keras's table rounds some figures down (ConvNeXtBase's 88.59M reads 88.5M): within 0.1M.
        Assert.InRange(total / 1e6, c.SizeM - 0.1, c.SizeM + 0.1);
        Assert.Equal(c.Total, total);
        var source = c.Create(false, null);
        Assert.Equal(c.NoTop, source.CountParams());
        // The largest variants (ConvNeXtLarge and XLarge, EfficientNetV2L) share their family's blocks and file layout
        // with the smaller ones tested here; writing and reading their gigabyte of weights would only add minutes.
        if (total < 100_000_000) AssertWeightsLoadBack(c, source);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParameterCountsAreKerasFiguresAndWeightsLoadBack(Case c)
    {
        long total = c.Create(true, null).CountParams();
        Assert.Equal(c.SizeM, Math.Round(total / 1e6, 1));
        Assert.Equal(c.Total, total);
        var source = c.Create(false, null);
        long noTop = source.CountParams();
        Assert.Equal(c.StemM, Math.Round(noTop / 1e6, 1));
        Assert.Equal(c.NoTop, noTop);
        AssertWeightsLoadBack(c, source);
    }

    private static void AssertWeightsLoadBack(Case c, Model source)
    {
        // Keras 2's weights-only layout (layer_names, then weight_names per layer), as Keras's published files,
        // into a fresh instance through the weights argument.
        string path = Path.Combine(Path.GetTempPath(), $"graft-app-{c.Name}-{Guid.NewGuid():N}.h5");
        try
        {
            source.SaveWeights(path);
            var loaded = c.Create(false, path);
            var expected = source.Layers.Where(l => l.Weights.Count > 0).ToList();
            var actual = loaded.Layers.Where(l => l.Weights.Count > 0).ToList();
            // Keras's explicit names match; automatic ones (InceptionV3, Xception's shortcuts, EfficientNet's
            // normalization) differ per instance, and such files load by position, as Keras loads them.
            Assert.Equal(expected.Select(l => l.ClassName), actual.Select(l => l.ClassName));
            Assert.Equal(expected.Select(l => AutoNamed(l.Name) ? "" : l.Name), actual.Select(l => AutoNamed(l.Name) ? "" : l.Name));
            for (int i = 0; i < expected.Count; i++)
                for (int k = 0; k < expected[i].Weights.Count; k++)
                    Assert.True(expected[i].Weights[k].Value.ToArray().AsSpan().SequenceEqual(actual[i].Weights[k].Value.ToArray()),
                        $"{c.Name}: weight {k} of layer '{expected[i].Name}' differs after loading");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LayersAreInKerasOrder()
    {
        // Keras's map_graph order, as ResNet50's model.summary() lists it: within a block the main path's
        // deeper layers first, then the shortcut and the last convolution at equal depth, shortcut first.
        var names = A.ResNet50(includeTop: false, weights: null, inputShape: [64, 64, 3]).Layers.Skip(1).Take(18).Select(l => l.Name);
        Assert.Equal(
        [
            "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool",
            "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_conv", "conv2_block1_2_bn", "conv2_block1_2_relu",
            "conv2_block1_0_conv", "conv2_block1_3_conv", "conv2_block1_0_bn", "conv2_block1_3_bn", "conv2_block1_add", "conv2_block1_out",
        ], names);
    }

    [Fact]
    public void LaterFamiliesUseKerasLayerNames()
    {
        // Names from Keras's source: the blocks' prefixes and suffixes, the nested stem, the squeeze-excite layers.
        var v2 = A.EfficientNetV2B0(weights: null).Layers.Select(l => l.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "stem_conv", "block1a_project_conv", "block1a_project_activation", "block2b_drop", "block2b_add",
            "block4a_dwconv2", "block4a_se_reduce", "block6h_se_excite", "top_conv", "top_bn", "avg_pool", "top_dropout", "predictions" }, v2);
        Assert.DoesNotContain("block1a_drop", v2);   // Keras skips the dropped path whose rate is 0
        var convnext = A.ConvNeXtTiny(weights: null).Layers.Select(l => l.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "convnext_tiny_prestem_normalization", "convnext_tiny_stem", "convnext_tiny_downsampling_block_2",
            "convnext_tiny_stage_2_block_8_depthwise_conv", "convnext_tiny_stage_3_block_2_layer_scale", "convnext_tiny_stage_0_block_0_identity",
            "convnext_tiny_head_gap", "convnext_tiny_head_layernorm", "convnext_tiny_head_dense" }, convnext);
        var v3 = A.MobileNetV3Small(weights: null).Layers.Select(l => l.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "conv", "conv_bn", "expanded_conv_depthwise_pad", "expanded_conv_squeeze_excite_conv_1",
            "expanded_conv_squeeze_excite_mul", "expanded_conv_3_expand", "expanded_conv_10_add", "conv_1", "conv_2", "logits", "predictions" }, v3);
        Assert.DoesNotContain("expanded_conv_expand", v3);   // the first block has no expansion
    }

    private static bool AutoNamed(string name) => System.Text.RegularExpressions.Regex.IsMatch(name, @"^(conv2d|batch_normalization|normalization|layer_normalization)(_\d+)?$");
}
