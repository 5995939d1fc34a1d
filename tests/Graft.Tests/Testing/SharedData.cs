using Graft.Data;
using Graft.Tensors;

namespace Graft.Tests.Testing;

/// <summary>Finds the read-only shared data folder (../shared beside the repository) and caches Fashion-MNIST.</summary>
public static class SharedData
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Graft.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        throw new DirectoryNotFoundException("SharedData: expected the repository root (Graft.slnx) above the test binaries.");
    });

    public static string Root => s_root.Value;
    public static string FashionMnistDir => Path.Combine(Root, "data", "fashion-mnist");
    public static string Keras(string file) => Path.Combine(Root, "data", "keras", file);

    private static readonly Lazy<((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test)> s_fashion = new(() => FashionMnist.Load(FashionMnistDir));

    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Fashion => s_fashion.Value;
}
