using System.Collections.Concurrent;
using System.Reflection;

namespace Graft.Saving;

/// <summary>
/// Finds the <see cref="IModelFormat"/> for a file extension, so that <c>Model.Load("m.onnx")</c> works
/// when the package that reads it is referenced, without the core library referencing that package.
/// </summary>
/// <remarks>
/// A format is declared with <see cref="ModelFormatAttribute"/> on its assembly. The assemblies already
/// loaded are searched first; then the packages Graft knows by name (<c>Graft.Onnx</c> for <c>.onnx</c>)
/// are loaded from the application's directory, since a referenced package whose types the program
/// never names is not loaded by the runtime on its own.
/// </remarks>
internal static class ModelFormats
{
    // Extension → the package (assembly name) that provides it: what to load, and what to tell the user to add.
    private static readonly Dictionary<string, string> s_knownPackages = new(StringComparer.OrdinalIgnoreCase) { [".onnx"] = "Graft.Onnx" };

    // One instance per format type and per assembly scanned: a format is created once, and its
    // constructor's layer registrations run once.
    private static readonly ConcurrentDictionary<Assembly, IModelFormat[]> s_byAssembly = new();

    /// <summary>The format for <paramref name="path"/>'s extension, or null when no loaded or known package provides one.</summary>
    public static IModelFormat? Find(string path)
    {
        string ext = Path.GetExtension(path);
        if (ext.Length == 0) return null;
        var found = Loaded().FirstOrDefault(f => f.Extensions.Contains(ext, StringComparer.OrdinalIgnoreCase));
        if (found is not null || !s_knownPackages.TryGetValue(ext, out var package)) return found;
        return TryLoad(package)?.FirstOrDefault(f => f.Extensions.Contains(ext, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The package that reads and writes <paramref name="path"/>'s extension, when Graft knows one (<c>Graft.Onnx</c> for <c>.onnx</c>).</summary>
    public static string? PackageFor(string path) => s_knownPackages.GetValueOrDefault(Path.GetExtension(path));

    /// <summary>
    /// Creates every format of the known packages present beside the application, so that layers they
    /// register become known; called when a model file names a layer class Graft lacks.
    /// </summary>
    internal static void LoadKnownPackages()
    {
        foreach (var package in s_knownPackages.Values.Distinct()) TryLoad(package);
    }

    private static IEnumerable<IModelFormat> Loaded() =>
        AppDomain.CurrentDomain.GetAssemblies().Where(DeclaresFormats).SelectMany(Formats);

    private static bool DeclaresFormats(Assembly a) => !a.IsDynamic && a.IsDefined(typeof(ModelFormatAttribute), false);

    private static IModelFormat[] Formats(Assembly assembly) => s_byAssembly.GetOrAdd(assembly, a =>
        a.GetCustomAttributes<ModelFormatAttribute>().Select(attr =>
            Activator.CreateInstance(attr.FormatType) as IModelFormat
                ?? throw new InvalidOperationException($"ModelFormat attribute on {a.GetName().Name}: expected a type implementing IModelFormat, got {attr.FormatType.FullName}.")).ToArray());

    private static IModelFormat[]? TryLoad(string package)
    {
        Assembly assembly;
        try { assembly = Assembly.Load(new AssemblyName(package)); }
        catch (FileNotFoundException) { return null; }
        return DeclaresFormats(assembly) ? Formats(assembly) : null;
    }
}
