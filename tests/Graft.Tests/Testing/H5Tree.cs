using PureHDF;

namespace Graft.Tests.Testing;

/// <summary>
/// An HDF5 file held in memory as groups, datasets and attributes, so that a test can change its
/// structure (a dataset's shape, a missing weight, a new <c>model_config</c>) and write it back.
/// Holds what Keras writes: string and numeric attributes, numeric datasets.
/// </summary>
public sealed class H5Tree
{
    /// <summary>Attributes: string, string[], or a numeric array.</summary>
    public Dictionary<string, object> Attributes { get; } = [];

    /// <summary>Child groups, in file order.</summary>
    public List<(string Name, H5Tree Group)> Groups { get; } = [];

    /// <summary>Child datasets, in file order: the values (float[], double[], int[] or long[]) and the dimensions.</summary>
    public List<(string Name, Array Data, ulong[] Dims)> Datasets { get; } = [];

    /// <summary>Reads a whole file.</summary>
    public static H5Tree Read(string path)
    {
        using var file = H5File.OpenRead(path);
        return Read(file);
    }

    /// <summary>Reads a whole file from its bytes.</summary>
    public static H5Tree Read(byte[] bytes)
    {
        using var file = H5File.Open(new MemoryStream(bytes), leaveOpen: false);
        return Read(file);
    }

    private static H5Tree Read(IH5Group g)
    {
        var tree = new H5Tree();
        foreach (var a in g.Attributes())
            if (ReadAttribute(a) is { } value) tree.Attributes[a.Name] = value;
        foreach (var c in g.Children())
        {
            if (c is IH5Group child) tree.Groups.Add((c.Name, Read(child)));
            else if (c is IH5Dataset d && ReadData(d) is { } data) tree.Datasets.Add((c.Name, data, d.Space.Dimensions.ToArray()));
        }
        return tree;
    }

    private static object? ReadAttribute(IH5Attribute a) => (a.Type.Class, a.Type.Size) switch
    {
        (H5DataTypeClass.String or H5DataTypeClass.VariableLength, _) => a.Space.Rank == 0 ? a.Read<string>() : a.Read<string[]>(),
        (H5DataTypeClass.FloatingPoint, 8) => a.Read<double[]>(),
        (H5DataTypeClass.FloatingPoint, 4) => a.Read<float[]>(),
        (H5DataTypeClass.FixedPoint, 8) => a.Read<long[]>(),
        (H5DataTypeClass.FixedPoint, 4) => a.Read<int[]>(),
        _ => null,
    };

    private static Array? ReadData(IH5Dataset d) => (d.Type.Class, d.Type.Size) switch
    {
        (H5DataTypeClass.FloatingPoint, 4) => d.Read<float[]>(),
        (H5DataTypeClass.FloatingPoint, 8) => d.Read<double[]>(),
        (H5DataTypeClass.FixedPoint, 4) => d.Read<int[]>(),
        (H5DataTypeClass.FixedPoint, 8) => d.Read<long[]>(),
        _ => null,
    };

    /// <summary>The child group <paramref name="name"/>, or null.</summary>
    public H5Tree? Group(string name) => Groups.FirstOrDefault(g => g.Name == name).Group;

    /// <summary>Every group below this one (itself included), depth first.</summary>
    public IEnumerable<H5Tree> AllGroups() => Groups.SelectMany(g => g.Group.AllGroups()).Prepend(this);

    /// <summary>A deep copy (arrays are copied too, so a mutant never changes the original).</summary>
    public H5Tree Clone()
    {
        var t = new H5Tree();
        foreach (var (k, v) in Attributes) t.Attributes[k] = v is Array a ? a.Clone() : v;
        foreach (var (n, g) in Groups) t.Groups.Add((n, g.Clone()));
        foreach (var (n, d, dims) in Datasets) t.Datasets.Add((n, (Array)d.Clone(), (ulong[])dims.Clone()));
        return t;
    }

    /// <summary>The file's bytes.</summary>
    public byte[] ToBytes()
    {
        var file = new H5File();
        Fill(file);
        using var ms = new MemoryStream();
        file.Write(ms);
        return ms.ToArray();
    }

    private void Fill(H5Group g)
    {
        foreach (var (k, v) in Attributes) g.Attributes[k] = v;
        foreach (var (n, child) in Groups)
        {
            var cg = new H5Group();
            child.Fill(cg);
            g[n] = cg;
        }
        foreach (var (n, d, dims) in Datasets) g[n] = new H5Dataset(d, fileDims: dims);
    }
}
