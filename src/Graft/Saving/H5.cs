using PureHDF;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>Reads through PureHDF with errors that name the file and the object path.</summary>
internal sealed class H5(string path)
{
    public string Path { get; } = path;

    public ModelFormatException Error(string objectPath, string message, Exception? inner = null) => new(Path, objectPath, message, inner);

    /// <summary>Runs a read, turning any failure of the HDF5 layer into a <see cref="ModelFormatException"/>.</summary>
    public T Guard<T>(string objectPath, string what, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is not ModelFormatException and not NotSupportedException)
        {
            throw Error(objectPath, $"expected {what}, got unreadable data ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    public bool HasAttribute(IH5Object obj, string objectPath, string name) => Guard(objectPath, $"attributes", () => obj.AttributeExists(name));

    /// <summary>A string attribute (fixed or variable length, or bytes).</summary>
    public string? StringAttribute(IH5Object obj, string objectPath, string name)
    {
        if (!HasAttribute(obj, objectPath, name)) return null;
        return Guard($"{objectPath}@{name}", "a string attribute", () =>
        {
            var a = obj.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
                throw Error($"{objectPath}@{name}", $"expected a string, got HDF5 type {a.Type.Class}.");
            return a.Space.Rank == 0 ? a.Read<string>() : string.Concat(a.Read<string[]>());
        });
    }

    /// <summary>A list-of-strings attribute; h5py writes an empty list as an empty float array.</summary>
    public string[] StringListAttribute(IH5Object obj, string objectPath, string name)
    {
        if (!HasAttribute(obj, objectPath, name)) throw Error(objectPath, $"expected attribute '{name}', got none.");
        return Guard($"{objectPath}@{name}", "a list of strings", () =>
        {
            var a = obj.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            {
                if (a.Space.Dimensions.Aggregate(1UL, (x, y) => x * y) == 0) return [];
                throw Error($"{objectPath}@{name}", $"expected a list of strings, got HDF5 type {a.Type.Class}.");
            }
            return a.Space.Rank == 0 ? [a.Read<string>()] : a.Read<string[]>();
        });
    }

    /// <summary>A numeric dataset as a float32 tensor of its shape.</summary>
    public Tensor ReadTensor(IH5Dataset d, string objectPath) => Guard(objectPath, "a numeric dataset", () =>
    {
        var dims = d.Space.Dimensions.Select(x => checked((int)x)).ToArray();
        float[] values = (d.Type.Class, d.Type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => d.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8) => d.Read<double[]>().Select(v => (float)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 4) => d.Read<int[]>().Select(v => (float)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 8) => d.Read<long[]>().Select(v => (float)v).ToArray(),
            _ => throw Error(objectPath, $"expected float32/float64/int data, got HDF5 type {d.Type.Class} of {d.Type.Size} bytes."),
        };
        long size = dims.Aggregate(1L, (a, b) => a * b);
        if (values.Length != size) throw Error(objectPath, $"expected {size} values for shape {Shape.Format(dims)}, got {values.Length}.");
        return Tensor.Wrap(values, new Shape(dims));
    });

    public IH5Object? Child(IH5Group g, string objectPath, string name) =>
        Guard($"{objectPath}/{name}", "a group or dataset", () => g.LinkExists(name) ? g.Get(name) : null);
}
