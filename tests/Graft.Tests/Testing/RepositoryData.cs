using Graft.Data;
using Graft.Tensors;

namespace Graft.Tests.Testing;

/// <summary>
/// Data the repository carries (<c>data/fashion-mnist</c>), found from the test binaries. Tests read
/// only the repository, so a clone with nothing beside it passes.
/// </summary>
public static class RepositoryData
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Graft.slnx")))
                return dir.FullName;
        throw new DirectoryNotFoundException("RepositoryData: expected the repository root (Graft.slnx) above the test binaries.");
    });

    /// <summary>The repository root (the folder holding Graft.slnx).</summary>
    public static string Root => s_root.Value;

    /// <summary>Fashion-MNIST as the repository ships it (see data/fashion-mnist/README.md).</summary>
    public static string FashionMnistDir => Path.Combine(Root, "data", "fashion-mnist");

    private static readonly Lazy<((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test)> s_fashion = new(() => FashionMnist.Load(FashionMnistDir));

    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Fashion => s_fashion.Value;
}
