namespace Graft.Layers.Recurrent;

/// <summary>
/// Cells run one above the other as a single cell (Keras's <c>layers.StackedRNNCells</c>): at each
/// step a cell's output is the next cell's input, the last cell's is the stack's output, and the
/// states are every cell's in turn (an LSTMCell over a GRUCell has states h₀, c₀, h₁). Weights: each
/// cell's, in order.
/// </summary>
public sealed class StackedRNNCells : RecurrentCell
{
    /// <param name="cells">The cells, bottom first; a stack may hold stacks.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">No cells, or one cell given twice.</exception>
    public StackedRNNCells(RecurrentCell[] cells, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length == 0) throw new ArgumentException($"{Describe()}: expected at least one cell, got none.", nameof(cells));
        if (cells.Distinct(ReferenceEqualityComparer.Instance).Count() != cells.Length)
            throw new ArgumentException($"{Describe()}: expected distinct cells, got one cell twice; a cell holds its own weights.", nameof(cells));
        Cells = (RecurrentCell[])cells.Clone();
    }

    /// <summary>The cells, bottom first.</summary>
    public IReadOnlyList<RecurrentCell> Cells { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => Cells.SelectMany(c => c.StateSize).ToArray();

    /// <inheritdoc/>
    public override int OutputSize => Cells[^1].OutputSize;

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => Cells;

    /// <inheritdoc/>
    /// <remarks>
    /// Keras 3 saves the list attribute <c>cells</c> by class: <c>cells/lstm_cell</c>, <c>cells/lstm_cell_1</c>,
    /// … (keras/src/saving/saving_lib.py, <c>_save_container_state</c>).
    /// </remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths()
    {
        var used = new Dictionary<string, int>();
        foreach (var cell in Cells)
        {
            string key = LayerNames.ToSnakeCase(cell.ClassName);
            used[key] = used.TryGetValue(key, out int k) ? k + 1 : 0;
            string path = used[key] == 0 ? key : $"{key}_{used[key]}";
            foreach (var p in KerasWeightPathsUnder($"cells/{path}", cell)) yield return p;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Each cell builds for the output of the one below it.</remarks>
    public override void Build(int?[] inputShape)
    {
        var shape = inputShape;
        foreach (var cell in Cells)
        {
            cell.EnsureBuilt(shape);
            shape = [shape[0], cell.OutputSize];
        }
        base.Build(inputShape);
    }

    internal override RecurrentBase[] CreateEngines(int features, bool returnSequences, bool goBackwards, bool stateful)
    {
        // The stack reads forwards: RecurrentCell.Run reverses the sequence for go_backwards.
        var engines = new List<RecurrentBase>();
        for (int i = 0; i < Cells.Count; i++)
        {
            engines.AddRange(Cells[i].CreateEngines(features, returnSequences || i < Cells.Count - 1, goBackwards: false, stateful));
            features = Cells[i].OutputSize;
        }
        return [.. engines];
    }
}
