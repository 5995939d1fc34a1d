using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Tests.Vision;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary>
/// graft predict --images on a 1000-class model without class names of its own: ImageNet's labels, as
/// Keras's decode_predictions gives them, for a Keras-format model and for an ONNX model taking NCHW images.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class CliPredictImageNetTests
{
    /// <summary>
    /// Mean color → 1000 softmax scores: red votes for class 281 (tabby), green for class 1 (goldfish), every
    /// other class scores 0, so the runners-up are ties, listed in class order.
    /// </summary>
    private static Sequential ImageNetLike(bool channelsFirst)
    {
        var dense = new Dense(1000, activation: "softmax", name: "predictions");
        Sequential model = channelsFirst
            ? new([new InputLayer([3, 8, 8]), new Permute([2, 3, 1]), new GlobalAveragePooling2D(), dense])
            : new([new InputLayer([8, 8, 3]), new GlobalAveragePooling2D(), dense]);
        var kernel = new float[3 * 1000];
        kernel[0 * 1000 + 281] = 0.1f;   // red
        kernel[1 * 1000 + 1] = 0.1f;     // green
        dense.SetWeights([Tensor.FromArray(kernel, 3, 1000), Tensor.Zeros(1000)]);
        return model;
    }

    /// <summary>Two 8×8 images: gray 255 is RGB (255, 0, 127), gray 0 is (0, 255, 0) (<see cref="ImageFiles"/>'s color mapping).</summary>
    private static (string Red, string Green) Images(string dir)
    {
        string red = Path.Combine(dir, "images", "red.png"), green = Path.Combine(dir, "images", "green.png");
        ImageFiles.Write(red, Enumerable.Repeat((byte)255, 64).ToArray(), 8, 8, color: true);
        ImageFiles.Write(green, new byte[64], 8, 8, color: true);
        return (red, green);
    }

    [Fact]
    public void AThousandClassModelWithoutNamesPrintsImageNetLabels()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string file = Path.Combine(dir, "imagenet.keras");
            ImageNetLike(channelsFirst: false).Save(file);
            var (red, green) = Images(dir);

            var (code, stdout, stderr) = Run("predict", file, "--images", red, green);
            Assert.True(code == 0, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Matches(@"red\.png: tabby 1\.0000, tench 0\.0000, goldfish 0\.0000, great_white_shark 0\.0000, tiger_shark 0\.0000$", lines[0]);
            Assert.Matches(@"green\.png: goldfish 1\.0000, tench 0\.0000, great_white_shark 0\.0000, tiger_shark 0\.0000, hammerhead 0\.0000$", lines[1]);

            (code, stdout, stderr) = Run("predict", file, "--images", red, "--json");
            Assert.True(code == 0, stderr);
            var best = JsonNode.Parse(stdout)!.AsArray()[0]!["top"]!.AsArray()[0]!;
            Assert.Equal("tabby", best["class"]!.GetValue<string>());
            Assert.Equal("n02123045", best["wordnet_id"]!.GetValue<string>());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void AnOnnxModelTakingNchwImagesGetsThemChannelsFirst()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string file = Path.Combine(dir, "imagenet.onnx");
            ImageNetLike(channelsFirst: true).Save(file);
            Assert.Equal([null, 3, 8, 8], Model.Load(file).Inputs[0].Shape);
            var (red, green) = Images(dir);

            var (code, stdout, stderr) = Run("predict", file, "--images", Path.GetDirectoryName(red)!);
            Assert.True(code == 0, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // The folder's images in path order: green, then red; given channels last, (8, 8, 3) would not fit (3, 8, 8).
            Assert.StartsWith($"{green}: goldfish 1.0000, tench", lines[0]);
            Assert.StartsWith($"{red}: tabby 1.0000, tench", lines[1]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void OtherClassCountsKeepTheirIndices()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string file = Path.Combine(dir, "ten.keras");
            new Sequential([new InputLayer([8, 8, 3]), new GlobalAveragePooling2D(), new Dense(10, activation: "softmax")]).Save(file);
            var (red, _) = Images(dir);
            var (code, stdout, stderr) = Run("predict", file, "--images", red);
            Assert.True(code == 0, stderr);
            Assert.Matches(@"red\.png: \d (0|1)\.\d{4}, \d", stdout);
            Assert.DoesNotContain("tench", stdout);
        }
        finally { Directory.Delete(dir, true); }
    }
}
