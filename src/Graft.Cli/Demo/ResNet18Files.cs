namespace Graft.Cli.Demo;

/// <summary>
/// Where the ImageNet ResNet18 of the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// (0.23.1) lies: its <c>ResNet18.onnx</c> and the package's preprocessing graph
/// <c>ResNetPreprocess.onnx</c>, read from the NuGet cache (<c>NUGET_PACKAGES</c>, else
/// <c>~/.nuget/packages</c>) or from a path given with <c>--base</c>. Only the files are used, not the
/// package's code.
/// </summary>
internal static class ResNet18Files
{
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string Version = "0.23.1";
    private const string ModelInPackage = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";

    /// <summary>The model and preprocessing files; <paramref name="basePath"/> (the package's ResNet18.onnx) overrides the cache.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and says where to get it.</exception>
    public static (string Model, string Preprocess) Locate(string? basePath)
    {
        string model = basePath is not null ? Path.GetFullPath(basePath) : Path.Combine(CacheRoot(), Package.ToLowerInvariant(), Version, ModelInPackage);
        if (!File.Exists(model))
            throw new FileNotFoundException(
                $"ImageNet ResNet18: expected the network at '{model}', got no such file. "
                + $"It comes with the NuGet package {Package} {Version} (restore a project that references it, "
                + $"or run 'nuget install {Package} -Version {Version}'), or pass --base PATH/ResNet18.onnx.", model);
        // The package keeps the preprocessing graph in a sibling folder; a copy beside the model also does.
        string dir = Path.GetDirectoryName(model)!;
        string[] candidates = [Path.Combine(dir, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx"), Path.Combine(dir, "ResNetPreprocess.onnx")];
        string preprocess = candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"ImageNet ResNet18: expected the package's preprocessing graph ResNetPreprocess.onnx beside '{model}' "
                + $"(in ../ResNetPrepOnnx/ or the same folder), got none. It comes with {Package} {Version}.", candidates[0]);
        return (model, preprocess);
    }

    /// <summary>The NuGet global packages folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    private static string CacheRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
