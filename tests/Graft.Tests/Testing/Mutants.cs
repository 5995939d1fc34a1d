using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Graft.Tests.Testing;

/// <summary>One malformed variant of a fixture: its bytes, the file extension to save it under, and how it was made.</summary>
public sealed record Mutant(int Seed, string Fixture, string Kind, string Detail, byte[] Bytes, string Extension)
{
    /// <inheritdoc/>
    public override string ToString() => $"seed {Seed}, {Fixture}, {Kind}: {Detail}";
}

/// <summary>
/// A model fixture to mutate: a full <c>.h5</c>/<c>.hdf5</c> or <c>.keras</c> file, or a
/// <c>config.json</c> + <c>weights.h5</c> pair joined into one <c>.h5</c> model file (the config as
/// <c>model_config</c>, the weights as <c>model_weights</c>), so that every mutant goes through <c>Model.Load</c>.
/// </summary>
public sealed class MutationFixture
{
    private H5Tree? _tree;
    private Dictionary<string, byte[]>? _entries;

    private MutationFixture(string name, bool zip, Func<byte[]> bytes)
    {
        Name = name;
        IsZip = zip;
        _bytes = new Lazy<byte[]>(bytes);
    }

    private readonly Lazy<byte[]> _bytes;

    /// <summary>The fixture's file name (for a pair, the config's).</summary>
    public string Name { get; }

    /// <summary>True for a <c>.keras</c> zip.</summary>
    public bool IsZip { get; }

    /// <summary>The bytes <c>Model.Load</c> reads.</summary>
    public byte[] Bytes => _bytes.Value;

    /// <summary>The extension to save mutants under.</summary>
    public string Extension => IsZip ? ".keras" : ".h5";

    /// <summary>The HDF5 tree: the file itself, or the zip's <c>model.weights.h5</c>.</summary>
    public H5Tree Tree => _tree ??= H5Tree.Read(IsZip ? Entries["model.weights.h5"] : Bytes);

    /// <summary>The zip's entries by name.</summary>
    public Dictionary<string, byte[]> Entries => _entries ??= ReadZip(Bytes);

    /// <summary>Every model fixture in Fixtures/keras: full files and config + weights pairs.</summary>
    public static IReadOnlyList<MutationFixture> All()
    {
        var list = new List<MutationFixture>();
        foreach (var path in Directory.GetFiles(Fixtures.Dir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".keras"))
                list.Add(new(name, zip: true, () => File.ReadAllBytes(path)));
            else if ((name.EndsWith(".h5") || name.EndsWith(".hdf5")) && !name.EndsWith(".io.h5") && !name.EndsWith(".weights.h5"))
                list.Add(new(name, zip: false, () => File.ReadAllBytes(path)));
            else if (name.EndsWith(".config.json") && File.Exists(path.Replace(".config.json", ".weights.h5")))
                list.Add(new(name, zip: false, () => Join(File.ReadAllText(path), H5Tree.Read(path.Replace(".config.json", ".weights.h5"))).ToBytes()));
        }
        return list;
    }

    /// <summary>A full model file from a config and a <c>save_weights</c> tree, as Keras's <c>model.save</c> lays it out.</summary>
    public static H5Tree Join(string config, H5Tree weights)
    {
        var root = new H5Tree();
        root.Attributes["model_config"] = config;
        foreach (var key in new[] { "keras_version", "backend" })
            if (weights.Attributes.TryGetValue(key, out var v)) root.Attributes[key] = v;
        root.Groups.Add(("model_weights", weights));
        return root;
    }

    private static Dictionary<string, byte[]> ReadZip(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var entries = new Dictionary<string, byte[]>();
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            entries[e.FullName] = ms.ToArray();
        }
        return entries;
    }

    /// <summary>A zip with the given entries, in order.</summary>
    public static byte[] WriteZip(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(data);
            }
        return ms.ToArray();
    }
}

/// <summary>
/// Seeded mutations of Keras model files, for the fuzz tests: byte flips (anywhere, and inside
/// HDF5 metadata blocks) and truncation; the JSON config's numbers made huge, negative, zero or
/// fractional, strings turned into other types, keys removed, layer classes swapped, sizes
/// (units, filters, kernel sizes, …) made absurd; stored weights reshaped or removed; inside a
/// <c>.keras</c> zip, the same for each entry, and entries removed. The same seed gives the same mutant.
/// </summary>
public static class Mutator
{
    private static readonly string[] s_kindsH5 = ["flip", "flip-metadata", "truncate", "config", "config", "config-size", "weights"];
    private static readonly string[] s_kindsZip = ["zip-flip", "zip-truncate", "config", "config", "config-size", "weights", "weights-flip", "weights-truncate", "entry"];

    /// <summary>Signatures of HDF5 metadata blocks: object headers, B-trees, heaps, symbol tables.</summary>
    private static readonly byte[][] s_metadataSignatures = new[] { "OHDR", "OCHK", "TREE", "HEAP", "SNOD", "BTHD", "BTIN", "BTLF", "FRHP", "FHDB", "FHIB", "GCOL", "FSHD", "SMTB" }
        .Select(Encoding.ASCII.GetBytes).ToArray();

    private static readonly string[] s_classes =
    [
        "Dense", "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "LSTM", "GRU", "SimpleRNN", "Embedding",
        "Flatten", "Reshape", "Permute", "RepeatVector", "UpSampling2D", "ZeroPadding2D", "Cropping2D", "BatchNormalization",
        "LayerNormalization", "Dropout", "SpatialDropout2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
        "GlobalMaxPooling1D", "Activation", "Softmax", "ReLU", "LeakyReLU", "PReLU", "ELU", "Concatenate", "Add", "Multiply", "Average",
        "Attention", "AdditiveAttention", "MultiHeadAttention", "Bidirectional", "TimeDistributed", "InputLayer", "Masking", "Rescaling",
        "Sequential", "Functional", "Model", "NoSuchLayer",
    ];

    private static readonly string[] s_sizeKeys =
    [
        "units", "filters", "kernel_size", "pool_size", "strides", "size", "n", "target_shape", "dims", "input_dim", "output_dim",
        "axis", "dilation_rate", "cropping", "padding", "batch_input_shape", "batch_shape", "depth_multiplier", "num_heads", "key_dim", "rate",
    ];

    private static readonly double[] s_numbers = [0, -1, -7, 0.5, 2.5, 3, 64, 1e9, 2147483647, 4294967296, 1e12, 1e300, -1e9];

    /// <summary>The mutant of <paramref name="fixture"/> for <paramref name="seed"/>.</summary>
    public static Mutant Create(MutationFixture fixture, int seed)
    {
        var rng = new System.Random(seed);
        var kinds = fixture.IsZip ? s_kindsZip : s_kindsH5;
        string kind = kinds[rng.Next(kinds.Length)];
        string detail;
        byte[] bytes;
        switch (kind)
        {
            case "flip" or "zip-flip": (bytes, detail) = Flip(fixture.Bytes, rng, metadataOnly: false); break;
            case "flip-metadata": (bytes, detail) = Flip(fixture.Bytes, rng, metadataOnly: true); break;
            case "truncate" or "zip-truncate": (bytes, detail) = Truncate(fixture.Bytes, rng); break;
            case "config" or "config-size":
            {
                var (json, d) = MutateJson(Config(fixture), rng, sizesOnly: kind == "config-size");
                detail = d;
                bytes = WithConfig(fixture, json);
                break;
            }
            case "weights":
            {
                var tree = fixture.Tree.Clone();
                detail = MutateWeights(tree, rng);
                bytes = fixture.IsZip ? WithEntry(fixture, "model.weights.h5", tree.ToBytes()) : tree.ToBytes();
                break;
            }
            case "weights-flip" or "weights-truncate":
            {
                var (w, d) = kind == "weights-flip" ? Flip(fixture.Entries["model.weights.h5"], rng, metadataOnly: rng.Next(2) == 0) : Truncate(fixture.Entries["model.weights.h5"], rng);
                detail = d;
                bytes = WithEntry(fixture, "model.weights.h5", w);
                break;
            }
            default:
            {
                // An entry removed, emptied, or (metadata.json) given mutated JSON.
                var names = fixture.Entries.Keys.Order(StringComparer.Ordinal).ToArray();
                string name = names[rng.Next(names.Length)];
                var entries = new Dictionary<string, byte[]>(fixture.Entries);
                switch (rng.Next(3))
                {
                    case 0: entries.Remove(name); detail = $"entry {name} removed"; break;
                    case 1: entries[name] = []; detail = $"entry {name} emptied"; break;
                    default:
                        if (name.EndsWith(".json"))
                        {
                            var (json, d) = MutateJson(Encoding.UTF8.GetString(entries[name]), rng, sizesOnly: false);
                            entries[name] = Encoding.UTF8.GetBytes(json);
                            detail = $"entry {name}: {d}";
                        }
                        else { (entries[name], detail) = Truncate(entries[name], rng); detail = $"entry {name}: {detail}"; }
                        break;
                }
                bytes = MutationFixture.WriteZip(entries);
                break;
            }
        }
        return new Mutant(seed, fixture.Name, kind, detail, bytes, fixture.Extension);
    }

    private static (byte[], string) Flip(byte[] source, System.Random rng, bool metadataOnly)
    {
        var v = (byte[])source.Clone();
        var at = new List<int>();
        int flips = rng.Next(1, 9);
        List<int>? blocks = metadataOnly ? MetadataBlocks(source) : null;
        for (int j = 0; j < flips; j++)
        {
            int i = blocks is { Count: > 0 } ? Math.Min(v.Length - 1, blocks[rng.Next(blocks.Count)] + 4 + rng.Next(60)) : rng.Next(v.Length);
            v[i] = (byte)rng.Next(256);
            at.Add(i);
        }
        return (v, $"bytes at {string.Join(", ", at)} replaced{(metadataOnly ? " (in HDF5 metadata)" : "")}");
    }

    private static List<int> MetadataBlocks(byte[] bytes)
    {
        var found = new List<int>();
        var span = bytes.AsSpan();
        foreach (var sig in s_metadataSignatures)
            for (int start = 0; start < bytes.Length;)
            {
                int i = span[start..].IndexOf(sig);
                if (i < 0) break;
                found.Add(start + i);
                start += i + 1;
            }
        found.Sort();
        return found;
    }

    private static (byte[], string) Truncate(byte[] source, System.Random rng)
    {
        int n = rng.Next(source.Length);
        return (source[..n], $"truncated to {n} of {source.Length} bytes");
    }

    /// <summary>The fixture's model config (JSON).</summary>
    public static string Config(MutationFixture f) => f.IsZip
        ? Encoding.UTF8.GetString(f.Entries["config.json"])
        : (string)f.Tree.Attributes["model_config"];

    /// <summary>The fixture's bytes with <paramref name="json"/> as its model config.</summary>
    public static byte[] WithConfig(MutationFixture f, string json)
    {
        if (f.IsZip) return WithEntry(f, "config.json", Encoding.UTF8.GetBytes(json));
        var tree = f.Tree.Clone();
        tree.Attributes["model_config"] = json;
        return tree.ToBytes();
    }

    private static byte[] WithEntry(MutationFixture f, string name, byte[] data)
    {
        var entries = new Dictionary<string, byte[]>(f.Entries) { [name] = data };
        return MutationFixture.WriteZip(entries);
    }

    /// <summary>One to three changes to a JSON document; <paramref name="sizesOnly"/> aims at the size keys of layer configs.</summary>
    public static (string Json, string Detail) MutateJson(string json, System.Random rng, bool sizesOnly)
    {
        var root = JsonNode.Parse(json)!;
        var details = new List<string>();
        int count = rng.Next(1, 4);
        for (int m = 0; m < count; m++)
        {
            var slots = new List<(JsonNode Parent, object Key, JsonNode? Value, string Path)>();
            Collect(root, "$", slots);
            if (slots.Count == 0) break;
            if (sizesOnly)
            {
                var sizes = slots.Where(s => s.Key is string k && s_sizeKeys.Contains(k)).ToList();
                if (sizes.Count > 0)
                {
                    var s = sizes[rng.Next(sizes.Count)];
                    // An input shape of 10^5 steps is a real (slow) model, not a malformed one: inputs get 5000 instead.
                    long moderate = (string)s.Key is "batch_input_shape" or "batch_shape" ? 5000 : 100000;
                    var value = s.Value is JsonArray a
                        ? new JsonArray(a.Select(x => (JsonNode?)(x is null ? null : Huge(rng, moderate))).ToArray())
                        : (JsonNode)Huge(rng, moderate);
                    if (rng.Next(4) == 0) value = Number(s_numbers[rng.Next(s_numbers.Length)]);
                    Set(s.Parent, s.Key, value);
                    details.Add($"{s.Path} = {value.ToJsonString()}");
                    continue;
                }
            }
            var (parent, key, node, path) = slots[rng.Next(slots.Count)];
            switch (node)
            {
                case JsonValue v when v.TryGetValue<string>(out var str):
                {
                    JsonNode? replacement = (key as string) == "class_name"
                        ? s_classes[rng.Next(s_classes.Length)]
                        : rng.Next(7) switch
                        {
                            0 => 123, 1 => true, 2 => null, 3 => new JsonArray(), 4 => new JsonObject(), 5 => "", _ => str + "_x",
                        };
                    if ((key as string) != "class_name" && rng.Next(5) == 0) { Remove(parent, key); details.Add($"{path} removed"); break; }
                    Set(parent, key, replacement);
                    details.Add($"{path} = {replacement?.ToJsonString() ?? "null"}");
                    break;
                }
                case JsonValue v when v.TryGetValue<bool>(out var b):
                {
                    JsonNode replacement = rng.Next(2) == 0 ? !b : 1;
                    Set(parent, key, replacement);
                    details.Add($"{path} = {replacement.ToJsonString()}");
                    break;
                }
                case JsonValue:
                {
                    if (rng.Next(6) == 0) { Remove(parent, key); details.Add($"{path} removed"); break; }
                    var n = rng.Next(5) == 0 ? (JsonNode)"7" : Number(s_numbers[rng.Next(s_numbers.Length)]);
                    Set(parent, key, n);
                    details.Add($"{path} = {n.ToJsonString()}");
                    break;
                }
                case JsonArray a:
                    switch (rng.Next(4))
                    {
                        case 0 when a.Count > 0: a.RemoveAt(rng.Next(a.Count)); details.Add($"{path}: an element removed"); break;
                        case 1 when a.Count > 0: a.Add(a[rng.Next(a.Count)]?.DeepClone()); details.Add($"{path}: an element repeated"); break;
                        case 2: a.Clear(); details.Add($"{path} emptied"); break;
                        default: Remove(parent, key); details.Add($"{path} removed"); break;
                    }
                    break;
                case JsonObject o:
                    if (o.Count > 0 && rng.Next(3) > 0)
                    {
                        string k = o.ElementAt(rng.Next(o.Count)).Key;
                        o.Remove(k);
                        details.Add($"{path}.{k} removed");
                    }
                    else { Set(parent, key, rng.Next(2) == 0 ? null : new JsonArray()); details.Add($"{path} replaced"); }
                    break;
                default:
                    Set(parent, key, rng.Next(2) == 0 ? 0 : new JsonObject());
                    details.Add($"{path} (null) replaced");
                    break;
            }
        }
        return (root.ToJsonString(), string.Join("; ", details));
    }

    private static JsonNode Huge(System.Random rng, long moderate) => Number(rng.Next(4) switch { 0 => 1e9, 1 => 2147483647, 2 => 1e12, _ => moderate });

    private static JsonNode Number(double d) => d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);

    private static void Collect(JsonNode? node, string path, List<(JsonNode, object, JsonNode?, string)> slots)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    slots.Add((o, k, v, $"{path}.{k}"));
                    Collect(v, $"{path}.{k}", slots);
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    slots.Add((a, i, a[i], $"{path}[{i}]"));
                    Collect(a[i], $"{path}[{i}]", slots);
                }
                break;
        }
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    private static void Remove(JsonNode parent, object key)
    {
        if (parent is JsonObject o) o.Remove((string)key);
        else ((JsonArray)parent).RemoveAt((int)key);
    }

    /// <summary>One stored weight reshaped (an axis grown, shrunk or dropped, or made scalar) or removed, or a name list changed.</summary>
    private static string MutateWeights(H5Tree tree, System.Random rng)
    {
        var holders = tree.AllGroups().Where(g => g.Datasets.Count > 0).ToList();
        if (holders.Count == 0) return "no datasets";
        var g = holders[rng.Next(holders.Count)];
        int i = rng.Next(g.Datasets.Count);
        var (name, data, dims) = g.Datasets[i];
        switch (rng.Next(5))
        {
            case 0:
                g.Datasets.RemoveAt(i);
                return $"dataset {name} removed";
            case 1 when dims.Length > 0:
            {
                // One axis one longer or shorter, the values resized to match: a consistent file that disagrees with its config.
                var nd = (ulong[])dims.Clone();
                int axis = rng.Next(nd.Length);
                nd[axis] = rng.Next(2) == 0 || nd[axis] <= 1 ? nd[axis] + 1 : nd[axis] - 1;
                g.Datasets[i] = (name, Resize(data, (long)nd.Aggregate(1UL, (x, y) => x * y)), nd);
                return $"dataset {name} reshaped from ({string.Join(", ", dims)}) to ({string.Join(", ", nd)})";
            }
            case 2:
            {
                var nd = dims.Length > 1 ? dims[1..] : [];
                g.Datasets[i] = (name, Resize(data, (long)nd.Aggregate(1UL, (x, y) => x * y)), nd);
                return $"dataset {name} reshaped from ({string.Join(", ", dims)}) to ({string.Join(", ", nd)})";
            }
            case 3:
            {
                var holder = tree.AllGroups().Where(x => x.Attributes.Values.Any(v => v is string[])).ToList();
                if (holder.Count == 0) goto default;
                var h = holder[rng.Next(holder.Count)];
                var k = h.Attributes.First(a => a.Value is string[]).Key;
                var list = ((string[])h.Attributes[k]).ToList();
                if (list.Count > 0 && rng.Next(2) == 0) list.RemoveAt(rng.Next(list.Count));
                else list.Add(list.Count > 0 ? list[rng.Next(list.Count)] : "missing");
                h.Attributes[k] = list.ToArray();
                return $"attribute {k} changed to [{string.Join(", ", list)}]";
            }
            default:
            {
                var nd = dims.Reverse().ToArray();
                g.Datasets[i] = (name, data, nd);
                return $"dataset {name} dims reversed to ({string.Join(", ", nd)})";
            }
        }
    }

    private static Array Resize(Array data, long n)
    {
        var r = Array.CreateInstance(data.GetType().GetElementType()!, n);
        Array.Copy(data, r, Math.Min(n, data.Length));
        return r;
    }
}
