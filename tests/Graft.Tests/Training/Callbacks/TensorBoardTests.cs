using System.Buffers.Binary;
using System.Text;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training.Callbacks;

/// <summary>
/// TensorBoard's event files read back with a decoder written here from the formats' specifications
/// (TFRecord framing with masked CRC-32C, computed bit by bit; tensorflow/core/util/event.proto and
/// summary.proto field numbers), independent of the writer: Keras's folders, tags, steps and values.
/// </summary>
public class TensorBoardTests
{
    private sealed record Event(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Values);

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one bit at a time.</summary>
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    [Fact]
    public void TheChecksumIsCrc32cMaskedAsTfRecordMasksIt()
    {
        // The standard check value of CRC-32C.
        Assert.Equal(0xE3069283u, Crc32C(Encoding.ASCII.GetBytes("123456789")));
        foreach (var text in new[] { "", "a", "brain.Event:2", new string('x', 1000) })
            Assert.Equal(Masked(Encoding.UTF8.GetBytes(text)), EventFileWriter.MaskedCrc(Encoding.UTF8.GetBytes(text)));
    }

    private static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            var header = bytes.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            Assert.Equal(Masked(header), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8, 4)));
            var payload = bytes.AsSpan(at + 12, (int)length);
            Assert.Equal(Masked(payload), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length, 4)));
            events.Add(ParseEvent(payload.ToArray()));
            at += 12 + (int)length + 4;
        }
        return events;
    }

    /// <summary>The protobuf wire format: (field, wire type, value) for every field of a message.</summary>
    private static IEnumerable<(int Field, int Wire, ulong Number, byte[]? Bytes)> Fields(byte[] m)
    {
        int i = 0;
        ulong Varint()
        {
            ulong v = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = m[i++];
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return v;
            }
        }
        var fields = new List<(int, int, ulong, byte[]?)>();
        while (i < m.Length)
        {
            ulong key = Varint();
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: fields.Add((field, wire, Varint(), null)); break;
                case 1: fields.Add((field, wire, BinaryPrimitives.ReadUInt64LittleEndian(m.AsSpan(i, 8)), null)); i += 8; break;
                case 5: fields.Add((field, wire, BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(i, 4)), null)); i += 4; break;
                case 2: int n = (int)Varint(); fields.Add((field, wire, 0, m[i..(i + n)])); i += n; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
        return fields;
    }

    // event.proto: Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
    // summary.proto: Summary { repeated Value value = 1; } Value { string tag = 1; float simple_value = 2; }
    private static Event ParseEvent(byte[] m)
    {
        double wall = 0; long step = 0; string? version = null;
        var values = new List<(string, float)>();
        foreach (var (field, wire, number, bytes) in Fields(m))
            switch (field)
            {
                case 1: Assert.Equal(1, wire); wall = BitConverter.UInt64BitsToDouble(number); break;
                case 2: Assert.Equal(0, wire); step = (long)number; break;
                case 3: version = Encoding.UTF8.GetString(bytes!); break;
                case 5:
                    foreach (var (f, _, _, value) in Fields(bytes!))
                    {
                        Assert.Equal(1, f);
                        string tag = ""; float simple = float.NaN;
                        foreach (var (vf, vw, vn, vb) in Fields(value!))
                        {
                            if (vf == 1) tag = Encoding.UTF8.GetString(vb!);
                            else if (vf == 2) { Assert.Equal(5, vw); simple = BitConverter.UInt32BitsToSingle((uint)vn); }
                        }
                        values.Add((tag, simple));
                    }
                    break;
                default: throw new InvalidDataException($"unexpected Event field {field}");
            }
        return new Event(wall, step, version, values);
    }

    private static string Temp() => Path.Combine(Path.GetTempPath(), $"graft-tb-{Guid.NewGuid():N}");

    private static (Sequential Model, Tensor X, Tensor Y) Net()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (i % 5) / 5f - 0.3f).ToArray(), 12, 2);
        var y = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)(i % 2)).ToArray(), 12, 1);
        var model = new Sequential([new Dense(1, activation: "sigmoid", inputShape: [2])]);
        model.Compile("binary_crossentropy", new Graft.Optimizers.SGD(0.1), ["accuracy"]);
        return (model, x, y);
    }

    private static List<Event> Only(string folder)
    {
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Matches(@"^events\.out\.tfevents\.\d+\..+\.\d+\.\d+\.v2$", Path.GetFileName(file));
        var events = Read(file);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Empty(events[0].Values);
        Assert.All(events, e => Assert.InRange(e.WallTime, 1.6e9, 1e10));
        return events;
    }

    private static float Scalar(List<Event> events, string tag, long step) =>
        Assert.Single(events.Where(e => e.Step == step).SelectMany(e => e.Values), v => v.Tag == tag).Value;

    [Fact]
    public void EpochScalarsGoToTrainAndValidationFoldersAsKerasWritesThem()
    {
        var (model, x, y) = Net();
        string dir = Temp();
        try
        {
            // 8 training samples in batches of 4, 4 validation samples: 2 epochs.
            var history = model.Fit(x, y, batchSize: 4, epochs: 2, validationSplit: 1.0 / 3, shuffle: false, verbose: 0, callbacks: [new TensorBoard(dir)]);
            Assert.Equal(["train", "validation"], Directory.GetDirectories(dir).Select(Path.GetFileName).Order());
            var train = Only(Path.Combine(dir, "train"));
            var validation = Only(Path.Combine(dir, "validation"));
            for (int epoch = 0; epoch < 2; epoch++)
            {
                Assert.Equal((float)history["loss"][epoch], Scalar(train, "epoch_loss", epoch));
                Assert.Equal((float)history["accuracy"][epoch], Scalar(train, "epoch_accuracy", epoch));
                Assert.Equal(0.1f, Scalar(train, "epoch_learning_rate", epoch));
                Assert.Equal((float)history["val_loss"][epoch], Scalar(validation, "epoch_loss", epoch));
                Assert.Equal((float)history["val_accuracy"][epoch], Scalar(validation, "epoch_accuracy", epoch));
                // After each validation, at the optimizer's iteration count (2 batches an epoch).
                Assert.Equal((float)history["val_loss"][epoch], Scalar(validation, "evaluation_loss_vs_iterations", 2 * (epoch + 1)));
            }
            Assert.DoesNotContain(train.SelectMany(e => e.Values), v => v.Tag.StartsWith("batch_"));
            Assert.DoesNotContain(validation.SelectMany(e => e.Values), v => v.Tag.StartsWith("val_") || v.Tag.Contains("learning_rate"));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("batch", new long[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData("2", new long[] { 2, 4, 6 })]
    public void BatchScalarsEveryUpdateFreqBatchesCountedAcrossEpochs(string updateFreq, long[] steps)
    {
        var (model, x, y) = Net();
        string dir = Temp();
        try
        {
            var batchLosses = new List<double>();
            var tb = updateFreq == "batch" ? new TensorBoard(dir, "batch") : new TensorBoard(dir, int.Parse(updateFreq));
            var record = new LambdaCallback(onTrainBatchEnd: (_, logs) => batchLosses.Add(logs["loss"]));
            model.Fit(x, y, batchSize: 4, epochs: 2, shuffle: false, verbose: 0, callbacks: [tb, record]);   // 3 batches an epoch
            var train = Only(Path.Combine(dir, "train"));
            var batchEvents = train.Where(e => e.Values.Any(v => v.Tag == "batch_loss")).ToList();
            Assert.Equal(steps, batchEvents.Select(e => e.Step));
            foreach (var s in steps) Assert.Equal((float)batchLosses[(int)s - 1], Scalar(train, "batch_loss", s));
            Assert.Contains(batchEvents[0].Values, v => v.Tag == "batch_accuracy");
            Assert.False(Directory.Exists(Path.Combine(dir, "validation")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void EvaluateWritesEvaluationScalarsAndClosesItsFile()
    {
        var (model, x, y) = Net();
        string dir = Temp();
        try
        {
            model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
            var result = model.Evaluate(x, y, batchSize: 5, verbose: 0, callbacks: [new TensorBoard(dir)]);
            var validation = Only(Path.Combine(dir, "validation"));
            Assert.Equal((float)result["loss"], Scalar(validation, "evaluation_loss_vs_iterations", 3));
            Assert.Equal((float)result["accuracy"], Scalar(validation, "evaluation_accuracy_vs_iterations", 3));
            // Closed: the folder can be deleted at once, on every platform.
            Directory.Delete(dir, recursive: true);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void BadUpdateFreqIsRejected()
    {
        Assert.Contains("update_freq", Assert.Throws<ArgumentException>(() => new TensorBoard("logs", "step")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoard("logs", 0));
    }
}
