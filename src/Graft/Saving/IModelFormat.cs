using Graft.Models;

namespace Graft.Saving;

/// <summary>
/// A model file format that lives outside the core library (ONNX in the <c>Graft.Onnx</c> package), so
/// that the core keeps no dependency it does not need. <see cref="Model.Load"/> and <see cref="Model.Save"/>
/// hand a path with one of <see cref="Extensions"/> to the format. A package declares its formats with
/// <see cref="ModelFormatAttribute"/> on its assembly; <see cref="ModelFormats"/> finds them.
/// </summary>
/// <remarks>
/// An implementation needs a public parameterless constructor. Layers the format's models use that are
/// not Keras layers are registered with <see cref="LayerRegistry.Register"/> from that constructor, so
/// that a <c>.keras</c> file holding them loads once the package is present.
/// </remarks>
public interface IModelFormat
{
    /// <summary>The file extensions this format reads and writes, lower case with the dot (<c>.onnx</c>).</summary>
    IReadOnlyList<string> Extensions { get; }

    /// <summary>Reads the model in <paramref name="path"/> (called by <see cref="Model.Load"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="compile">As in <see cref="Model.Load"/>: restore a training configuration when the format holds one.</param>
    /// <exception cref="ModelFormatException">The file is malformed; the message names the file.</exception>
    /// <exception cref="NotSupportedException">The file uses a feature the format does not support.</exception>
    Model Load(string path, bool compile);

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (called by <see cref="Model.Save"/>).</summary>
    /// <exception cref="NotSupportedException">The format cannot write models, or not this one.</exception>
    void Save(Model model, string path);
}
