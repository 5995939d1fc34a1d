using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PureHDF;
using Graft.Layers;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// The optimizer's state (iteration count, learning rate, per-weight slots) in Keras files, so that a
/// loaded model trains on exactly as the saved one would have.
/// <list type="bullet">
/// <item><c>.keras</c>: <c>model.weights.h5</c> holds the optimizer's variables at <c>optimizer/vars/&lt;i&gt;</c>
/// (keras/src/saving/saving_lib.py visits <c>model.optimizer</c>; <c>save_own_variables</c> numbers
/// <c>optimizer.variables</c>).</item>
/// <item><c>.weights.h5</c> (Keras 3's <c>save_weights</c>): the same <c>optimizer/vars/&lt;i&gt;</c> beside
/// <c>layers</c>, since <c>save_weights_only</c> walks the model as a full save does. Keras 2's weights
/// layout (any other <c>.h5</c> path) holds no optimizer state.</item>
/// <item><c>.h5</c>: group <c>optimizer_weights</c> with attribute <c>weight_names</c> and a dataset at each
/// name (keras/src/legacy/saving/legacy_h5_format.py, <c>include_optimizer=True</c>); Keras restores
/// them by position.</item>
/// </list>
/// Keras 3's order (keras/src/optimizers/base_optimizer.py): <c>iteration</c> (int64), <c>learning_rate</c>
/// (float32; absent with a schedule), then each optimizer's slots as its <c>build</c> creates them over
/// the trainable weights in <c>model.TrainableWeights</c> order: Adam/AdamW momentum and velocity
/// interleaved per weight, then velocity_hat (AMSGrad); SGD momentum (only when momentum ≠ 0);
/// RMSprop velocity, then momentum (momentum &gt; 0), then average_gradient (centered); Adagrad
/// accumulator; Nadam momentum and velocity interleaved, with its scalar <c>u_product</c> before the
/// slots up to Keras 3.9 and after them from 3.10. Graft writes this order (its files say Keras
/// 3.4.1), in both formats, with Keras 3's names in <c>.h5</c> (<c>adam/iteration</c>, …). It also reads
/// tf.keras 2.11+ (the same order without <c>learning_rate</c>) and tf.keras 2.0–2.10 <c>.h5</c> files
/// (<c>Adam/iter:0</c>, then each slot kind for all weights: <c>Adam/dense/kernel/m:0</c>, …, then <c>v:0</c>).
/// <para>
/// Loading follows Keras's rule: the state is restored when the file's optimizer class is the
/// compiled one and the file holds exactly as many variables as Keras's layout for this optimizer and
/// these trainable weights; otherwise (no state saved, another optimizer, another variable count,
/// Keras 1 or 2.0–2.3 files whose layouts differ) the optimizer starts fresh, with
/// <see cref="Optimizer.Iterations"/> 0, and a warning on <c>Graft.Saving</c> when the file held state
/// (Keras warns too). <c>LoadWeights</c> follows Keras's <c>load_weights</c>, which compares with the
/// optimizer as it stands instead of building it (see <see cref="LoadWeightsOnly"/>). A file whose count matches but whose variables have other
/// shapes or types is malformed: <see cref="ModelFormatException"/>. Nothing is assigned (and the
/// optimizer is not built) before the whole state has been checked.
/// </para>
/// </summary>
internal static class OptimizerState
{
    private enum Kind { Iteration, LearningRate, UProduct, Slot, Average, Accumulator }

    private readonly record struct Entry(Kind Kind, string Name, Variable? Variable = null, int Slot = -1, Shape? SlotShape = null);

    /// <summary>Adds <c>optimizer/vars/&lt;i&gt;</c> to a <c>model.weights.h5</c> being written.</summary>
    public static void SaveKeras(Model model, H5File weights)
    {
        if (Layout(model, model.Optimizer?.TrainableVariables, KerasFormat.KerasVersion, slotMajor: false) is not { } layout) return;
        var vars = new H5Group();
        vars.Attributes["name"] = model.Optimizer!.KerasName;
        for (int i = 0; i < layout.Count; i++) vars[i.ToString()] = Dataset(model.Optimizer, layout[i]);
        weights["optimizer"] = new H5Group { ["vars"] = vars };
    }

    /// <summary>Adds <c>optimizer_weights</c> to a legacy <c>.h5</c> model file being written.</summary>
    public static void SaveH5(Model model, H5File file)
    {
        if (Layout(model, model.Optimizer?.TrainableVariables, KerasFormat.KerasVersion, slotMajor: false) is not { } layout) return;
        var group = new H5Group();
        var names = new string[layout.Count];
        for (int i = 0; i < layout.Count; i++)
        {
            names[i] = $"{model.Optimizer!.KerasName}/{layout[i].Name}";
            Put(group, names[i], Dataset(model.Optimizer, layout[i]));
        }
        group.Attributes["weight_names"] = names;
        file["optimizer_weights"] = group;
    }

    /// <summary>Restores the state from a <c>.keras</c> archive's weights into the compiled model's optimizer.</summary>
    /// <param name="model">A model just compiled from the file's <c>compile_config</c>.</param>
    /// <param name="path">The archive, for messages.</param>
    /// <param name="weights">The bytes of <c>model.weights.h5</c>.</param>
    /// <param name="compileConfig">The file's <c>compile_config</c>, naming the optimizer class.</param>
    /// <param name="kerasVersion">The archive's <c>keras_version</c>, which fixes the layout.</param>
    /// <returns>Whether the state was restored (false: the optimizer starts fresh, by the rule above, with a
    /// warning when the file held state that did not fit).</returns>
    public static bool LoadKeras(Model model, string path, byte[] weights, JsonObject? compileConfig, string? kerasVersion)
    {
        var h5 = new H5($"{path} [model.weights.h5]", weights.Length);
        using var file = h5.Open(new MemoryStream(weights));
        return LoadKeras(model, h5, file, compileConfig, kerasVersion);
    }

    /// <summary>As above, from the archive's weights file already open at <paramref name="file"/>.</summary>
    public static bool LoadKeras(Model model, H5 h5, IH5Group file, JsonObject? compileConfig, string? kerasVersion)
    {
        bool restored = TryLoadKeras(model, h5, file, compileConfig, kerasVersion, out var skipped);
        if (skipped is { } s) Warn(h5.Path, model.Optimizer!, s);
        return restored;
    }

    /// <summary>
    /// Restores the state saved with the weights (Keras 3's <c>load_weights</c> of a <c>x.weights.h5</c> or
    /// <c>.keras</c> file) into the compiled optimizer as it stands. Keras's rule
    /// (<c>Optimizer.load_own_variables</c>): the file must hold exactly as many variables as the optimizer
    /// has now, so an optimizer not yet built (two variables: iteration and learning rate) takes the state
    /// of one saved before its first step, and one built on the model's trainable weights (by <c>Fit</c>, or
    /// <see cref="Optimizer.Build"/>) takes the state saved after training; any other count is skipped with a
    /// warning. Unlike a full-model load, nothing builds the optimizer here: <c>load_weights</c> does not.
    /// </summary>
    /// <param name="model">The model whose weights were just loaded; nothing happens when it is not compiled.</param>
    /// <param name="h5">The weights file, for messages.</param>
    /// <param name="file">Its root group.</param>
    /// <param name="skipMismatch">Skip state of the right count but other shapes with a warning (Keras's
    /// <c>skip_mismatch</c>) instead of failing.</param>
    /// <exception cref="ModelFormatException">The state has the optimizer's count but other shapes or types.</exception>
    public static void LoadWeightsOnly(Model model, H5 h5, IH5Group file, bool skipMismatch)
    {
        if (model.Optimizer is not { KerasSlotGroups: not null } opt) return;
        if (StoredVars(h5, file) is not { } vars) return;
        int stored = h5.Children(vars, "/optimizer/vars").Count;
        if (stored == 0) return;
        // A weights file carries no Keras version; Graft's own files say KerasFormat.KerasVersion.
        if (Layout(model, opt.TrainableVariables, KerasFormat.KerasVersion, slotMajor: false) is not { } layout) return;
        if (layout.Count != stored)
        {
            Warn(h5.Path, opt, new Skip(layout.Count, stored, opt.Built ? ""
                : $" (the optimizer is not built yet: call Optimizer.Build(model.TrainableWeights) before LoadWeights to restore the state saved after training)"));
            return;
        }
        List<object> values;
        try { values = ReadAll(h5, vars, layout, opt); }
        catch (ModelFormatException e) when (skipMismatch)
        {
            Warn(h5.Path, opt, new Skip(layout.Count, stored, $" ({e.Message})"));
            return;
        }
        Assign(opt, opt.TrainableVariables, layout, values);
    }

    /// <summary>Why a file's optimizer state was skipped: the variable count Keras's layout expects, the count stored, and more.</summary>
    private readonly record struct Skip(int Expected, int Stored, string Detail);

    private static void Warn(string path, Optimizer opt, Skip s) =>
        Logging.Saving.LogWarning("{Path}: did not restore the optimizer state into {Optimizer}: expected {Expected} variables, got {Stored}{Detail}. Training starts the optimizer fresh.",
            path, opt.Name, s.Expected, s.Stored, s.Detail);

    private static IH5Group? StoredVars(H5 h5, IH5Group file) =>
        h5.Child(file, "", "optimizer") is IH5Group opt && h5.Child(opt, "/optimizer", "vars") is IH5Group vars ? vars : null;

    /// <summary>The full-model rule; <paramref name="skipped"/> says why state the file holds was not restored (null: restored, or none held).</summary>
    private static bool TryLoadKeras(Model model, H5 h5, IH5Group file, JsonObject? compileConfig, string? kerasVersion, out Skip? skipped)
    {
        skipped = null;
        if (model.Optimizer is not { } opt || StoredVars(h5, file) is not { } vars) return false;
        int stored = h5.Children(vars, "/optimizer/vars").Count;
        if (stored == 0) return false;
        var layout = Layout(model, model.TrainableWeights, kerasVersion ?? KerasFormat.KerasVersion, slotMajor: false);
        int expected = layout?.Count ?? 0;
        if (!SameClass(model, compileConfig?["optimizer"] ?? compileConfig?["optimizer_config"], out var cls))
        {
            skipped = new Skip(expected, stored, $" saved by {cls ?? "an unnamed optimizer"}");
            return false;
        }
        if (layout is null)
        {
            skipped = new Skip(expected, stored, $" in a layout Graft does not know for {opt.GetType().Name} in Keras {kerasVersion}");
            return false;
        }
        if (layout.Count != stored) { skipped = new Skip(expected, stored, ""); return false; }
        Assign(opt, model.TrainableWeights, layout, ReadAll(h5, vars, layout, opt));
        return true;
    }

    /// <summary>Reads and checks every variable of <paramref name="layout"/> before any is assigned.</summary>
    private static List<object> ReadAll(H5 h5, IH5Group vars, List<Entry> layout, Optimizer opt)
    {
        var values = new List<object>();
        for (int i = 0; i < layout.Count; i++)
        {
            string objectPath = $"/optimizer/vars/{i}";
            var d = h5.Child(vars, "/optimizer/vars", i.ToString()) as IH5Dataset
                ?? throw h5.Error(objectPath, $"expected optimizer variable {i} ({layout[i].Name}) of {opt.Name}, got none.");
            values.Add(Read(h5, d, objectPath, layout[i]));
        }
        return values;
    }

    /// <summary>
    /// Puts the weights and the optimizer state of a <c>.keras</c> file that <paramref name="model"/>
    /// saved back into <paramref name="model"/> itself (not a new model), for resuming its training.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file's weights or optimizer state do not fit the model.</exception>
    public static void RestoreInto(Model model, string path, string subject)
    {
        // Everything is checked before anything is assigned, so a backup that does not fit leaves the model as it was.
        var saved = Model.Load(path, compile: false).GetWeights();
        var mine = model.Weights;
        if (saved.Count != mine.Count || Enumerable.Range(0, saved.Count).Any(i => saved[i].Shape != mine[i].Shape))
            throw new InvalidOperationException($"{subject}: expected the backup {path} to hold this model's {mine.Count} weights ({string.Join(", ", mine.Select(v => v.Shape))}), got {saved.Count} ({string.Join(", ", saved.Select(v => v.Shape))}). Delete the backup to start over.");
        if (model.Optimizer is { KerasSlotGroups: not null }) RestoreOptimizer(model, path, subject);
        model.SetWeights(saved);
    }

    private static void RestoreOptimizer(Model model, string path, string subject)
    {
        JsonObject? config;
        string? version = null;
        byte[] weights;
        using (var zip = ZipFile.OpenRead(path))
        {
            using (var r = new StreamReader(zip.GetEntry("config.json")!.Open())) config = ModelConfig.Parse(r.ReadToEnd(), $"{path} [config.json]");
            if (zip.GetEntry("metadata.json") is { } meta)
                using (var r = new StreamReader(meta.Open()))
                    version = ModelConfig.Parse(r.ReadToEnd(), $"{path} [metadata.json]")["keras_version"] is JsonValue kv && kv.TryGetValue<string>(out var sv) ? sv : null;
            using var ms = new MemoryStream();
            using (var s = zip.GetEntry("model.weights.h5")!.Open()) s.CopyTo(ms);
            weights = ms.ToArray();
        }
        var h5 = new H5($"{path} [model.weights.h5]", weights.Length);
        using var file = h5.Open(new MemoryStream(weights));
        // A backup that does not fit is an error here, not a warning and a fresh start.
        if (!TryLoadKeras(model, h5, file, config["compile_config"] as JsonObject, version, out var skipped))
            throw new InvalidOperationException($"{subject}: expected the backup {path} to hold the state of this model's optimizer ({model.Optimizer!.Name}, {model.Optimizer.TrainableVariables.Count} weights), got "
                + (skipped is { } s ? $"{s.Stored} variables where {s.Expected} fit{s.Detail}" : "none") + ". Delete the backup to start over.");
    }

    /// <summary>Restores the state from a legacy <c>.h5</c> model file's <c>optimizer_weights</c>, or warns when it holds state that does not fit.</summary>
    public static void LoadH5(Model model, H5 h5, IH5Group file, string? kerasVersion)
    {
        if (model.Optimizer is not { } opt || h5.Child(file, "", "optimizer_weights") is not IH5Group group) return;
        var names = h5.StringListAttribute(group, "/optimizer_weights", "weight_names");
        if (names.Length == 0) return;
        var training = h5.StringAttribute(file, "/", "training_config") is { } tc ? ModelConfig.Parse(tc, $"{h5.Path} [/@training_config]") : null;
        // tf.keras 2.0–2.10 (OptimizerV2) named the count "<Optimizer>/iter:0" and stored each slot
        // kind for all weights before the next kind; tf.keras 2.11+ and Keras 3 name it "iteration"
        // and interleave. Older Keras files (Variable_12:0 …) have layouts of their own.
        bool slotMajor = names[0].EndsWith("iter:0", StringComparison.Ordinal);
        bool known = slotMajor || names[0].EndsWith("iteration", StringComparison.Ordinal) || names[0].EndsWith("iteration:0", StringComparison.Ordinal);
        var layout = Layout(model, model.TrainableWeights, kerasVersion ?? KerasFormat.KerasVersion, slotMajor);
        int expected = layout?.Count ?? 0;
        if (!SameClass(model, training?["optimizer_config"], out var cls))
        {
            Warn(h5.Path, opt, new Skip(expected, names.Length, $" saved by {cls ?? "an unnamed optimizer"}"));
            return;
        }
        if (!known || layout is null)
        {
            Warn(h5.Path, opt, new Skip(expected, names.Length, $" in a layout Graft does not know for {opt.GetType().Name} in Keras {kerasVersion} (first variable '{names[0]}')"));
            return;
        }
        if (layout.Count != names.Length) { Warn(h5.Path, opt, new Skip(expected, names.Length, "")); return; }
        var values = new List<object>();
        for (int i = 0; i < layout.Count; i++)
        {
            string objectPath = $"/optimizer_weights/{names[i]}";
            string name = names[i];
            var d = h5.Guard(objectPath, "a dataset", () => group.LinkExists(name) ? group.Get(name) : null) as IH5Dataset
                ?? throw h5.Error(objectPath, "expected the optimizer weight named in weight_names, got none.");
            values.Add(Read(h5, d, objectPath, layout[i]));
        }
        Assign(model.Optimizer!, model.TrainableWeights, layout, values);
    }

    /// <summary>
    /// Keras's variable list for the compiled optimizer holding state for <paramref name="weights"/>
    /// (when saving, those it was built on; when loading, the model's trainable weights, which Keras's
    /// <c>compile_from_config</c> builds it on), or null when its state is not saved or its layout for
    /// <paramref name="kerasVersion"/> is unknown.
    /// </summary>
    private static List<Entry>? Layout(Model model, IReadOnlyList<Variable>? weights, string kerasVersion, bool slotMajor)
    {
        if (model.Optimizer is not { KerasSlotGroups: { } groups } opt || weights is null) return null;
        var version = ParseVersion(kerasVersion);
        if (version.Major < 2) return null;
        bool nadam = opt is Nadam;
        // tf.keras 2's Nadam kept its momentum cache under another scheme.
        if (nadam && version.Major < 3) return null;
        var list = new List<Entry> { new(Kind.Iteration, "iteration") };
        // tf.keras 2 kept the learning rate as a hyperparameter, not a saved variable.
        if (version.Major >= 3 && opt.Schedule is null) list.Add(new(Kind.LearningRate, "learning_rate"));
        bool uProductLast = version >= new Version(3, 10);
        if (nadam && !uProductLast) list.Add(new(Kind.UProduct, "u_product"));
        string prefix = model.Name;
        // The base optimizer's build creates a moving average and a gradient accumulator per weight,
        // before the optimizer's own slots: up to Keras 3.9 both of one weight before the next weight's,
        // from 3.10 (add_optimizer_variables) every average, then every accumulator.
        var average = (Variable v) => new Entry(Kind.Average, SlotName(prefix, v, "average"), v);
        var accumulator = (Variable v) => new Entry(Kind.Accumulator, SlotName(prefix, v, "gradient_accumulator"), v);
        bool ema = opt.UseEma, accumulate = opt.GradientAccumulationSteps is not null;
        if (version >= new Version(3, 10))
        {
            if (ema) list.AddRange(weights.Select(average));
            if (accumulate) list.AddRange(weights.Select(accumulator));
        }
        else
            foreach (var v in weights)
            {
                if (ema) list.Add(average(v));
                if (accumulate) list.Add(accumulator(v));
            }
        foreach (var group in groups)
        {
            if (slotMajor)
            {
                foreach (var (name, _) in group)
                    foreach (var v in weights)
                        foreach (var (n, slot) in opt.KerasSlots(v, group))
                            if (n == name) list.Add(new(Kind.Slot, SlotName(prefix, v, name), v, slot, opt.KerasSlotShape(v, slot)));
            }
            else
            {
                foreach (var v in weights)
                    foreach (var (name, slot) in opt.KerasSlots(v, group)) list.Add(new(Kind.Slot, SlotName(prefix, v, name), v, slot, opt.KerasSlotShape(v, slot)));
            }
        }
        if (nadam && uProductLast) list.Add(new(Kind.UProduct, "u_product"));
        return list;
    }

    /// <summary>Keras 3 names a slot after its weight's path: <c>sequential_dense_kernel_momentum</c>.</summary>
    private static string SlotName(string model, Variable v, string slot) => $"{model}_{v.Owner.Name}_{v.Name}_{slot}".Replace('/', '_');

    /// <summary>Whether the file's optimizer config names the compiled optimizer's class; <paramref name="cls"/> is the name it gives.</summary>
    private static bool SameClass(Model model, JsonNode? optimizerConfig, out string? cls)
    {
        cls = null;
        if (model.Optimizer is not { } opt) return false;
        // Keras 3 writes the identifier itself ("adam") when compiled with one, else a serialized object.
        var name = optimizerConfig is JsonObject o ? o["class_name"] : optimizerConfig;
        if (name is not JsonValue cv || !cv.TryGetValue<string>(out cls)) return false;
        // tf.keras 2.11 registered its optimizers as "Custom>Adam".
        if (cls.StartsWith("Custom>", StringComparison.Ordinal)) cls = cls["Custom>".Length..];
        return string.Equals(cls, opt.GetType().Name, StringComparison.OrdinalIgnoreCase);
    }

    private static Version ParseVersion(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text, @"^(\d+)\.(\d+)");
        return m.Success ? new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)) : new Version(0, 0);
    }

    private static H5Dataset Dataset(Optimizer opt, Entry e) => e.Kind switch
    {
        Kind.Iteration => new H5Dataset(new[] { opt.AppliedSteps }, fileDims: []),
        Kind.LearningRate => new H5Dataset(new[] { (float)opt.LearningRate }, fileDims: []),
        Kind.UProduct => new H5Dataset(new[] { (float)((Nadam)opt).UProduct }, fileDims: []),
        Kind.Average => Values(opt.AverageFor(e.Variable!)),
        Kind.Accumulator => Values(opt.AccumulatorFor(e.Variable!)),
        _ => Values(opt.SlotsFor(e.Variable!)[e.Slot]),
    };

    private static H5Dataset Values(Tensor t) => new(t.ToArray(), fileDims: t.Shape.Dims.Select(d => (ulong)d).ToArray());

    /// <summary>Places a dataset at a '/'-separated name, creating groups (h5py's <c>create_dataset</c>).</summary>
    private static void Put(H5Group g, string path, H5Dataset d)
    {
        var parts = path.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!g.TryGetValue(parts[i], out var child)) g[parts[i]] = child = new H5Group();
            g = (H5Group)child;
        }
        g[parts[^1]] = d;
    }

    /// <summary>Reads and checks one variable: an integer count, a float scalar, or a slot shaped like its weight.</summary>
    private static object Read(H5 h5, IH5Dataset d, string objectPath, Entry e)
    {
        var dims = h5.Guard(objectPath, "a dataset", () => d.Space.Dimensions.Select(x => (long)x).ToArray());
        long size = dims.Aggregate(1L, (a, b) => a * b);
        if (e.Kind is Kind.Iteration or Kind.LearningRate or Kind.UProduct)
        {
            if (size != 1 || dims.Length > 1)
                throw h5.Error(objectPath, $"expected the optimizer's scalar '{e.Name}', got shape {Format(dims)}.");
            if (e.Kind == Kind.Iteration)
            {
                long n = h5.Guard(objectPath, "an integer", () => (d.Type.Class, d.Type.Size) switch
                {
                    (H5DataTypeClass.FixedPoint, 8) => d.Read<long[]>()[0],
                    (H5DataTypeClass.FixedPoint, 4) => d.Read<int[]>()[0],
                    _ => throw h5.Error(objectPath, $"expected the iteration count as a 32- or 64-bit integer, got HDF5 type {d.Type.Class} of {d.Type.Size} bytes."),
                });
                if (n < 0) throw h5.Error(objectPath, $"expected an iteration count >= 0, got {n}.");
                return n;
            }
            double x = h5.ReadTensor(d, objectPath).Item();
            if (!double.IsFinite(x)) throw h5.Error(objectPath, $"expected a finite '{e.Name}', got {x}.");
            if (e.Kind == Kind.LearningRate && x < 0) throw h5.Error(objectPath, $"expected a learning rate >= 0, got {x}.");
            return x;
        }
        var shape = e.SlotShape ?? e.Variable!.Shape;
        if (!dims.SequenceEqual(shape.Dims.Select(v => (long)v)))
            throw h5.Error(objectPath, $"expected optimizer slot '{e.Name}' of shape {shape} (weight '{e.Variable!.Path}'), got {Format(dims)}.");
        return h5.ReadTensor(d, objectPath);
    }

    /// <summary>A shape as <see cref="Shape"/> prints it (Python's tuple), from a file's possibly huge dimensions.</summary>
    private static string Format(long[] dims) => dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";

    /// <summary>Builds the optimizer on the layout's weights (Keras's order) and fills its state; runs only once all is checked.</summary>
    private static void Assign(Optimizer opt, IReadOnlyList<Variable> weights, List<Entry> layout, List<object> values)
    {
        // An optimizer without per-weight state (SGD without momentum) has nothing to build: it stays as
        // compiled, just as it was saved.
        if (layout.Any(e => e.Kind is Kind.Slot or Kind.Average or Kind.Accumulator)) opt.Build(weights);
        for (int i = 0; i < layout.Count; i++)
        {
            var e = layout[i];
            switch (e.Kind)
            {
                case Kind.Iteration: opt.AppliedSteps = (long)values[i]; break;
                // Keras keeps the rate in float32: an equal float32 value leaves the configured double as it is.
                case Kind.LearningRate when (float)opt.LearningRate != (float)(double)values[i]: opt.LearningRate = (double)values[i]; break;
                case Kind.LearningRate: break;
                case Kind.UProduct: ((Nadam)opt).UProduct = (double)values[i]; break;
                case Kind.Average: opt.AverageFor(e.Variable!).Assign((Tensor)values[i]); break;
                case Kind.Accumulator: opt.AccumulatorFor(e.Variable!).Assign((Tensor)values[i]); break;
                default: opt.SlotsFor(e.Variable!)[e.Slot].Assign((Tensor)values[i]); break;
            }
        }
    }
}
