using Graft.Layers;
using Graft.Saving;

namespace Graft.Models;

public partial class Model
{
    /// <summary>
    /// Loads a model that Keras (1, 2, tf.keras 2.x or 3) saved: legacy HDF5 (<c>.h5</c>, <c>.hdf5</c>)
    /// or the Keras 3 <c>.keras</c> zip, chosen by the file's content (Keras's <c>load_model</c>).
    /// Other formats come from packages: <c>.onnx</c> needs <c>Graft.Onnx</c> (see <see cref="IModelFormat"/>).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="compile">Restore loss, optimizer and metrics from the file's training config, as Keras does,
    /// and the optimizer's state (iteration count, learning rate, slots) when the file holds it for that optimizer
    /// in Keras's layout; otherwise the optimizer starts fresh (<c>Optimizer.Iterations</c> is 0), as in Keras.</param>
    /// <exception cref="ModelFormatException">The file is malformed; the message names the file and the object path.</exception>
    /// <exception cref="NotSupportedException">The file uses a layer or model class Graft lacks, or is in a format whose package is not referenced; the message names it.</exception>
    public static Model Load(string path, bool compile = true)
    {
        if (PluginFormat(path, "Load") is { } format) return format.Load(path, compile);
        return KerasFormat.Detect(path) switch
        {
            KerasFormat.Kind.Zip => KerasZipFormat.Load(path, compile),
            _ => KerasH5Format.Load(path, compile),
        };
    }

    /// <summary>The format a package provides for <paramref name="path"/>'s extension; null for Keras's own extensions and unknown ones.</summary>
    /// <exception cref="NotSupportedException">Graft knows the extension, but the package that handles it is not referenced.</exception>
    private static IModelFormat? PluginFormat(string path, string operation)
    {
        if (ModelFormats.Find(path) is { } format) return format;
        if (ModelFormats.PackageFor(path) is { } package)
            throw new NotSupportedException($"Model.{operation}: expected the {package} package to handle {Path.GetExtension(path)} files, got none loaded for '{path}'. Add a reference to {package} (dotnet add package {package}).");
        return null;
    }

    /// <inheritdoc/>
    /// <remarks>Keras 3 saves a model's layers under <c>layers/&lt;key&gt;</c>: the snake_case class name with a per-class counter in layer order.</remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() =>
        KerasWeightStore.LayerKeys(Layers).SelectMany(k => KerasWeightPathsUnder($"layers/{k.Key}", k.Layer));

    /// <summary>Builds a model (fresh weights) from <c>model.to_json()</c> output (Keras's <c>model_from_json</c>).</summary>
    public static Model FromJson(string json) => ModelConfig.Build(ModelConfig.Parse(json, "Model.FromJson"), "Model.FromJson");

    /// <summary>The model's architecture as Keras's JSON (<c>model.to_json()</c>).</summary>
    public string ToJson() => ModelConfig.Serialize(this).ToJsonString();

    /// <summary>
    /// Saves the model (Keras's <c>model.save</c>): <c>.keras</c> writes the Keras 3 zip, <c>.h5</c> /
    /// <c>.hdf5</c> the legacy HDF5 layout. The file is written beside the target and renamed into
    /// place, so a failure never destroys a previous file.
    /// </summary>
    /// <remarks>Other formats come from packages (<see cref="IModelFormat"/>): <c>.onnx</c> needs <c>Graft.Onnx</c>.</remarks>
    /// <exception cref="ArgumentException">The extension is neither .keras nor .h5/.hdf5, nor one a referenced package handles.</exception>
    /// <exception cref="NotSupportedException">The extension belongs to a package that is not referenced, or that cannot write this model.</exception>
    public void Save(string path)
    {
        if (!Built) throw new InvalidOperationException($"{Describe()}.Save: expected a built model (weights created), got an unbuilt one. Give the first layer an input shape, or call Build or Predict once.");
        if (PluginFormat(path, "Save") is { } format) { format.Save(this, path); return; }
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".keras": KerasZipFormat.Save(this, path); break;
            case ".h5" or ".hdf5": KerasH5Format.Save(this, path, includeModel: true); break;
            default: throw new ArgumentException($"{Describe()}.Save: expected a path ending in .keras, .h5 or .hdf5, got '{path}'.");
        }
    }

    /// <summary>
    /// Saves only the weights (Keras's <c>save_weights</c>): a path ending in <c>.weights.h5</c> gets
    /// Keras 3's layout (<c>layers/&lt;key&gt;/vars/&lt;i&gt;</c>, as inside a <c>.keras</c>), any other
    /// path Keras 2's legacy HDF5 layout (<c>layer_names</c>, <c>weight_names</c>). A compiled model's
    /// <c>.weights.h5</c> also holds its optimizer's variables (<c>optimizer/vars/&lt;i&gt;</c>), as Keras 3's
    /// does; Keras 2's layout holds none.
    /// </summary>
    /// <exception cref="ArgumentException">The path ends in <c>.keras</c>, which names a full model (use <see cref="Save"/>).</exception>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    public void SaveWeights(string path)
    {
        // An HDF5 weights file named .keras would pass for a model archive and then fail to load as one.
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{Describe()}.SaveWeights: expected a weights path ending in .weights.h5 (or .h5 for Keras 2's layout), got '{path}', "
                + "which names a full model archive. Use Save for a .keras file.", nameof(path));
        if (!Built) throw new InvalidOperationException($"{Describe()}.SaveWeights: expected a built model (weights created), got an unbuilt one. Call Build or Predict once.");
        if (path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
        {
            var file = KerasWeightStore.Write(this);
            // Keras 3's save_weights walks the model as a full save does, so the compiled optimizer's variables come along.
            if (IsCompiled) OptimizerState.SaveKeras(this, file);
            AtomicFile.Write(path, stream => file.Write(stream));
        }
        else KerasH5Format.Save(this, path, includeModel: false);
    }

    /// <summary>
    /// Loads weights saved by <c>save_weights</c> (or the weights of a full <c>.h5</c> model), in either
    /// layout, told apart by content: Keras 2's legacy one (<c>layer_names</c>), by layer position as
    /// Keras does or by layer name for transfer into a model with a different head; or Keras 3's
    /// (<c>layers/&lt;key&gt;/vars/&lt;i&gt;</c>, Keras 3's <c>x.weights.h5</c>), by class and position.
    /// A <c>.keras</c> archive gives the weights it holds, as in Keras 3.
    /// <para>
    /// From Keras 3's layout, a compiled model's optimizer also takes the state saved with the weights, by
    /// Keras's rule: only when the file holds exactly as many optimizer variables as the optimizer has now.
    /// An optimizer not yet built has two (iteration, learning rate), so to resume training from a
    /// <c>.weights.h5</c> saved after some steps, call <c>Optimizer.Build(TrainableWeights)</c> first, as in
    /// Keras. State that does not fit is skipped with a warning on <see cref="GraftContext.LoggerFactory"/>, and
    /// the optimizer starts fresh.
    /// </para>
    /// </summary>
    /// <param name="path">The HDF5 file, or a <c>.keras</c> archive.</param>
    /// <param name="byName">Match layers by name (legacy layout only); layers absent from the file keep their weights.</param>
    /// <param name="skipMismatch">Skip layers whose stored weight shapes differ (with <paramref name="byName"/> in the legacy layout, always in Keras 3's).</param>
    /// <exception cref="ModelFormatException">The file is malformed, lacks a weight of the model, or holds weights the model cannot place.</exception>
    public void LoadWeights(string path, bool byName = false, bool skipMismatch = false)
    {
        if (KerasFormat.Detect(path) == KerasFormat.Kind.Zip)
        {
            if (byName) throw new ArgumentException($"{Describe()}.LoadWeights: expected a legacy .h5 weights file (attribute 'layer_names') to load by name, got a .keras archive {path}, whose weights have no layer names; load it by position.");
            KerasZipFormat.LoadWeights(this, path, skipMismatch);
        }
        else KerasH5Format.LoadWeightsFile(this, path, byName, skipMismatch);
    }
}
