using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using Xunit.Abstractions;

namespace Graft.Tests.Saving;

/// <summary>
/// Malformed variants of every model fixture (see <see cref="Mutator"/>): each must load and
/// predict one sample of its declared input shape, or fail with <see cref="ModelFormatException"/>
/// or <see cref="NotSupportedException"/> — the two exceptions <c>Model.Load</c> documents — and
/// finish within <see cref="MutantTimeLimit"/>. The run is seeded: a failure names the seed, the
/// fixture and the mutation; seed s mutates fixture s mod the fixture count, so
/// <c>GRAFT_FUZZ_SEED=s GRAFT_FUZZ_MUTANTS=1</c> reruns that mutant alone.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultMutants"/> mutants. Set <c>GRAFT_FUZZ_MUTANTS=10000</c> for a long
/// run (and <c>GRAFT_FUZZ_SEED</c> for another series); the figures by outcome go to the test output.
/// <c>GRAFT_FUZZ_KEEP=folder</c> copies the failing mutants there.
/// </remarks>
public class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultMutants = 1000;

    /// <summary>A bound far above any fixture's load and predict time, that a runaway mutant (a loop, a huge allocation) exceeds.</summary>
    private static readonly TimeSpan MutantTimeLimit = TimeSpan.FromSeconds(5);

    [Fact]
    public void MutantsLoadAndPredictOrFailCleanly()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("GRAFT_FUZZ_MUTANTS"), out var n) && n > 0 ? n : DefaultMutants;
        int firstSeed = int.TryParse(Environment.GetEnvironmentVariable("GRAFT_FUZZ_SEED"), out var s) ? s : 1;
        var fixtures = MutationFixture.All();
        Assert.True(fixtures.Count >= 30, $"expected the model fixtures, got {fixtures.Count}");
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        (long Bytes, string Mutant) largest = (0, "");
        string dir = Directory.CreateTempSubdirectory("graft-fuzz-").FullName;
        try
        {
            for (int i = 0; i < count && failures.Count < 50; i++)
            {
                int seed = firstSeed + i;
                var mutant = Mutator.Create(fixtures[seed % fixtures.Count], seed);
                string path = Path.Combine(dir, $"mutant{mutant.Extension}");
                File.WriteAllBytes(path, mutant.Bytes);
                var (outcome, error, allocated) = Run(path);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (allocated > largest.Bytes) largest = (allocated, mutant.ToString());
                if (error is not null)
                {
                    failures.Add($"{mutant}\n    -> {error}");
                    if (Environment.GetEnvironmentVariable("GRAFT_FUZZ_KEEP") is { Length: > 0 } keep)
                        File.Copy(path, Path.Combine(keep, $"seed{seed}{mutant.Extension}"), overwrite: true);
                }
                if (outcome == "timed out") break;   // the runaway thread still holds the file and a core
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        output.WriteLine($"{outcomes.Values.Sum()} mutants of {fixtures.Count} fixtures (seeds {firstSeed}..):");
        foreach (var (outcome, k) in outcomes) output.WriteLine($"  {k,6}  {outcome}");
        output.WriteLine($"largest allocation: {largest.Bytes >> 20} MiB, by {largest.Mutant}");
        Assert.True(failures.Count == 0, $"{failures.Count} mutants failed uncleanly:\n" + string.Join("\n", failures));
    }

    /// <summary>Mutants that once escaped as other exceptions, hung or allocated gigabytes, with what they did; none may allocate 256 MiB now.</summary>
    [Theory]
    [InlineData("k2.3.1_dl4j_simpleconv2d_sequential.hdf5", 23)]          // units 2^31-1 after a 10^9 pool: ArgumentException from Shape
    [InlineData("k1.2.2_dl4j_dense_reshape_bn_conv2d_tf.h5", 46)]         // BatchNormalization axis 2^31-1: ArgumentException
    [InlineData("k2.0.6_dl4j_mnist_mlp_tf.config.json", 176)]             // Attention in a Sequential: ArgumentException at Predict
    [InlineData("k2.0.6_hls4ml_jetTagger_conv2d_bn.config.json", 177)]    // damaged HDF5 metadata: hung
    [InlineData("k2.3.1_dl4j_conv1d_k2_same_cl.h5", 396)]                 // dilation_rate []: IndexOutOfRangeException
    [InlineData("tfk2.2.4_dl4j_depthwise_avgpool_gap.h5", 626)]           // UpSampling2D size 10^9: ArgumentOutOfRangeException
    [InlineData("k2.1.3_dl4j_simple_rnn_tf.h5", 1736)]                    // return_state in a Sequential: InvalidOperationException
    [InlineData("tfk2.2.4_kotlindl_lenet_batchnorm.config.json", 1719)]   // "same" pool of 2^31-1: hung in Predict
    [InlineData("k2.1.3_dl4j_simple_rnn_tf.h5", 2450)]                    // 10^9-step input: OutOfMemoryException
    [InlineData("tfk2.2.4_kotlindl_toyresnet.config.json", 2896)]         // null layer reference: NullReferenceException
    [InlineData("k2.0.5_oarriaga_fer2013_mini_XCEPTION.hdf5", 3828)]      // Add of shapes that do not broadcast: ArgumentException at Predict
    [InlineData("k1_dl4j_mnist_mlp_tf.config.json", 4205)]                // keras_version 123: InvalidOperationException
    [InlineData("tfk2.2.4_kotlindl_toyresnet.config.json", 6802)]         // group links in a cycle: hung
    [InlineData("k3.9.2_sudo-sidd_cifar10_cnn.keras", 9189)]              // Masking on (batch, features): ArgumentException at Predict
    [InlineData("k1.2.2_dl4j_simple_lstm_tf.h5", 9286)]                   // a Keras 1 gate reshaped: ArgumentOutOfRangeException
    [InlineData("k3.8.0_Mohand_resnet1d_add_bn.keras", 14227)]            // inbound node null: NullReferenceException
    [InlineData("k1.2.2_dl4j_simple_lstm_tf.h5", 1852)]                   // a string's heap object claiming 6.5e18 bytes: 2 GiB allocated
    [InlineData("k2.0.6_hls4ml_jetTagger_conv2d_bn.config.json", 3368)]   // the same in a file PureHDF wrote
    [InlineData("k2.3.1_dl4j_dense_leakyrelu.h5", 8251)]                  // a local heap claiming 1.9 GB: 1.8 GiB allocated
    public void FormerEscapesFailCleanly(string fixture, int seed)
    {
        var mutant = Mutator.Create(MutationFixture.All().Single(f => f.Name == fixture), seed);
        string path = Path.Combine(Path.GetTempPath(), $"graft-mutant-{Guid.NewGuid():N}{mutant.Extension}");
        File.WriteAllBytes(path, mutant.Bytes);
        try
        {
            var (outcome, error, allocated) = Run(path);
            Assert.True(error is null, $"{mutant}: {outcome}: {error}");
            Assert.True(allocated < 256 << 20, $"{mutant}: {outcome} after allocating {allocated >> 20} MiB");
        }
        finally { File.Delete(path); }
    }

    /// <summary>Loads, then predicts one sample of the model's declared input shape, on a thread of its own.</summary>
    private static (string Outcome, string? Error, long Allocated) Run(string path)
    {
        (string, string?) result = ("timed out", $"took more than {MutantTimeLimit.TotalSeconds} s");
        long allocated = 0;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            result = LoadAndPredict(path);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, 16 << 20) { IsBackground = true };
        thread.Start();
        return thread.Join(MutantTimeLimit) ? (result.Item1, result.Item2, allocated) : ("timed out", $"took more than {MutantTimeLimit.TotalSeconds} s", 0);
    }

    private static (string, string?) LoadAndPredict(string path)
    {
        Model model;
        bool unknownAxes = false;
        try { model = Model.Load(path); }
        catch (Exception e) when (e is ModelFormatException or NotSupportedException) { return ($"load: {e.GetType().Name}", null); }
        catch (Exception e) { return ($"load: {e.GetType().Name} (unexpected)", Describe(e)); }
        try
        {
            var shapes = model is Sequential || model.Graph is null ? new[] { model.InputShape } : model.Inputs.Select(t => t.Shape).ToArray();
            if (shapes.Any(x => x is null)) return ("loaded, no declared input shape", null);
            // Unknown axes (a sequence's length, an image's size) get 32; zeros are valid Embedding indices.
            unknownAxes = shapes.Any(x => x!.Skip(1).Any(d => d is null));
            var inputs = shapes.Select(x => Tensor.Zeros([1, .. x!.Skip(1).Select(d => d ?? 32)])).ToList();
            model.Call(inputs);
            return ("loaded and predicted", null);
        }
        catch (Exception e) when (e is ModelFormatException or NotSupportedException) { return ($"predict: {e.GetType().Name}", null); }
        // The size picked for an unknown axis may be too small for the model (a pool larger than 32
        // steps): that is the caller's input, which Predict rightly rejects as an argument.
        catch (ArgumentException) when (unknownAxes) { return ("predict: ArgumentException for the size picked for unknown axes", null); }
        catch (Exception e) { return ($"predict: {e.GetType().Name} (unexpected)", Describe(e)); }
    }

    private static string Describe(Exception e) =>
        $"{e.GetType().Name}: {e.Message}\n      at {e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("Graft."))?.Trim()}";

    [Fact]
    public void CorruptJsonConfigsFailCleanly()
    {
        string json = File.ReadAllText(Fixtures.Keras("k1_dl4j_mnist_mlp_tf.config.json"));
        var rng = new System.Random(3);
        for (int i = 0; i < 2000; i++)
        {
            var chars = json.ToCharArray();
            if (i % 2 == 0) chars = chars[..rng.Next(chars.Length)];
            else for (int j = 0; j < 3; j++) chars[rng.Next(chars.Length)] = "{}[]\":,0a-"[rng.Next(10)];
            try { Model.FromJson(new string(chars)); }
            catch (Exception e) when (e is ModelFormatException or NotSupportedException) { }
        }
    }
}
