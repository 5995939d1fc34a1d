using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// A tensor operation recorded in a Keras functional graph: Keras 3's operation nodes (<c>x + 3.0</c>
/// is <c>ops.add</c>, <c>ops.reshape</c>, <c>ops.mean</c>, …) and Keras 2's <c>TFOpLambda</c> layers
/// (<c>tf.math.multiply</c>, <c>tf.reshape</c>, …), which model files hold between layers. The
/// operation is named by <see cref="Function"/> (Keras 3's op name) and called on the graph's tensors
/// with the constant arguments in <see cref="Arguments"/>. Graft knows the arithmetic and shape
/// operations common models use (see <see cref="KnownFunctions"/>); <see cref="Register"/> adds others.
/// </summary>
/// <remarks>
/// <see cref="Arguments"/> is <c>{"args": [...], "kwargs": {...}}</c>, where <c>{"tensor": i}</c> stands
/// for the layer's i-th input and <c>{"tensors": [i, j]}</c> for a list of them; everything else is a constant.
/// </remarks>
public sealed class OperationLayer : Layer
{
    private static readonly ConcurrentDictionary<string, Func<OperationCall, Tensor>> s_functions = new(BuiltIn());

    /// <param name="function">The operation's name (Keras 3's: <c>add</c>, <c>multiply</c>, <c>reshape</c>, <c>mean</c>, …).</param>
    /// <param name="arguments">The call's arguments (see the remarks); by default the layer's input alone.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="NotSupportedException">Graft has no implementation of <paramref name="function"/>; the message says how to register one.</exception>
    public OperationLayer(string function, JsonObject? arguments = null, string? name = null) : base(name)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        if (!s_functions.ContainsKey(function))
            throw new NotSupportedException($"Operation '{function}' (layer '{Name}'): Graft has no implementation of it. Register one: OperationLayer.Register(\"{function}\", call => ...), reading the call's arguments from the OperationCall.");
        Function = function;
        Arguments = (JsonObject?)arguments?.DeepClone() ?? new JsonObject { ["args"] = new JsonArray(new JsonObject { ["tensor"] = 0 }), ["kwargs"] = new JsonObject() };
        Inputs = CountInputs(Arguments);
    }

    /// <summary>The operation's name.</summary>
    public string Function { get; }

    /// <summary>The call's arguments: tensor places and constants.</summary>
    public JsonObject Arguments { get; }

    /// <summary>How many tensors the layer takes.</summary>
    public int Inputs { get; }

    /// <summary>The operations Graft can run, built in or registered.</summary>
    public static IReadOnlyCollection<string> KnownFunctions => s_functions.Keys.Order().ToArray();

    /// <summary>Adds (or replaces) the implementation of an operation, for files whose graphs call operations Graft lacks.</summary>
    public static void Register(string function, Func<OperationCall, Tensor> implementation)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        ArgumentNullException.ThrowIfNull(implementation);
        s_functions[function] = implementation;
    }

    /// <summary>Whether Graft can run <paramref name="function"/>.</summary>
    public static bool IsKnown(string function) => s_functions.ContainsKey(function);

    private static int CountInputs(JsonNode? node) => node switch
    {
        JsonObject o when o["tensor"] is JsonValue v => v.GetValue<int>() + 1,
        JsonObject o when o["tensors"] is JsonArray a => a.Select(x => x!.GetValue<int>() + 1).DefaultIfEmpty(0).Max(),
        JsonObject o => o.Select(p => CountInputs(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray a => a.Select(CountInputs).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>Runs the operation on its input tensors (in the order of their places in <see cref="Arguments"/>).</summary>
    public Tensor Call(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != Inputs) throw new ArgumentException($"{Describe()}: expected {Inputs} input tensor(s), got {inputs.Count}.");
        if (!BuildDone) BuildOnce(() => Build(BatchShape(inputs[0].Shape)));
        object? Resolve(JsonNode? n) => n switch
        {
            JsonObject o when o["tensor"] is JsonValue v => inputs[v.GetValue<int>()],
            JsonObject o when o["tensors"] is JsonArray a => a.Select(x => inputs[x!.GetValue<int>()]).ToArray(),
            _ => n,
        };
        var args = (Arguments["args"] as JsonArray ?? []).Select(Resolve).ToList();
        var kwargs = (Arguments["kwargs"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Resolve(p.Value));
        return s_functions[Function](new OperationCall(Function, args, kwargs));
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training) => Call([inputs]);

    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training) => [Call(inputs)];

    internal override int?[][] BuildNode(IReadOnlyList<int?[]> inputShapes)
    {
        if (inputShapes.Count != Inputs) throw new ArgumentException($"{Describe()}: expected {Inputs} input tensor(s), got {inputShapes.Count}.");
        if (!BuildDone) BuildOnce(() => Build(inputShapes[0]));
        return [OutputShape(inputShapes)];
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => OutputShape([inputShape]);

    /// <summary>The output shape for the shapes of all input tensors (for exporters).</summary>
    internal int?[] BuildNodeShape(IReadOnlyList<int?[]> inputShapes) => OutputShape(inputShapes);

    /// <summary>
    /// The output shape, found by running the operation on zeros twice, with unknown sizes set to 2 and
    /// then 3: a size that follows them is unknown in the output too. (The operation itself knows its
    /// shapes; this spares each a shape rule of its own.)
    /// </summary>
    private int?[] OutputShape(IReadOnlyList<int?[]> shapes)
    {
        int[] Run(int unknown)
        {
            using var noGrad = GradMode.NoGrad();
            using var scope = TensorScope.Begin();
            return Call(shapes.Select(s => Tensor.Zeros(s.Select(d => d ?? unknown).ToArray())).ToArray()).Shape.Dims.ToArray();
        }
        var (two, three) = (Run(2), Run(3));
        if (two.Length != three.Length) throw new ArgumentException($"{Describe()}: expected an output rank that does not depend on unknown sizes, got {two.Length} and {three.Length}.");
        return two.Zip(three, (a, b) => a == b ? (int?)a : null).ToArray();
    }

    /// <summary>The implementations Graft has, by Keras 3's op names.</summary>
    private static Dictionary<string, Func<OperationCall, Tensor>> BuiltIn()
    {
        // Binary arithmetic: x op y, either of them a constant.
        Func<OperationCall, Tensor> Binary(Func<Tensor, Tensor, Tensor> op) => c =>
        {
            var first = c.IsTensor(0, "x", "x1", "a") ? c.Tensor(0, "x", "x1", "a") : null;
            var second = c.TensorLike(first, 1, "y", "x2", "b");
            return op(first ?? c.TensorLike(second, 0, "x", "x1", "a"), second);
        };
        Func<OperationCall, Tensor> Unary(Func<Tensor, Tensor> op) => c => op(c.Tensor(0, "x", "features", "input", "a"));
        Func<OperationCall, Tensor> Reduce(Func<Tensor, int[]?, bool, Tensor> op) => c =>
            op(c.Tensor(0, "x", "input_tensor", "input"), c.Ints(1, "axis"), c.Flag(2, false, "keepdims", "keep_dims"));
        return new()
        {
            ["add"] = Binary(Ops.Add),
            ["subtract"] = Binary(Ops.Subtract),
            ["multiply"] = Binary(Ops.Multiply),
            ["divide"] = Binary(Ops.Divide),
            ["true_divide"] = Binary(Ops.Divide),
            ["power"] = Binary(Ops.Power),
            ["maximum"] = Binary(Ops.Maximum),
            ["minimum"] = Binary(Ops.Minimum),
            ["matmul"] = c => Ops.MatMul(c.Tensor(0, "x1", "a"), c.Tensor(1, "x2", "b")),
            ["negative"] = Unary(Ops.Negative),
            ["abs"] = Unary(Ops.Abs),
            ["exp"] = Unary(Ops.Exp),
            ["log"] = Unary(Ops.Log),
            ["sqrt"] = Unary(Ops.Sqrt),
            ["square"] = Unary(Ops.Square),
            ["relu"] = Unary(x => Ops.Relu(x)),
            ["relu6"] = Unary(x => Ops.Relu(x, maxValue: 6f)),
            ["sigmoid"] = Unary(Ops.Sigmoid),
            ["tanh"] = Unary(Ops.Tanh),
            ["mean"] = Reduce(Ops.Mean),
            ["sum"] = Reduce(Ops.Sum),
            ["max"] = Reduce(Ops.Max),
            ["reshape"] = c => Ops.Reshape(c.Tensor(0, "x", "tensor"), c.Ints(1, "newshape", "shape")!),
            ["transpose"] = c =>
            {
                var x = c.Tensor(0, "x", "a");
                return Ops.Permute(x, c.Ints(1, "axes", "perm") ?? Enumerable.Range(0, x.Rank).Reverse().ToArray());
            },
            ["concatenate"] = c => Ops.Concatenate(c.Tensors(0, "xs", "values"), c.Ints(1, "axis")?[0] ?? 0),
            ["expand_dims"] = c => Ops.ExpandDims(c.Tensor(0, "x", "input"), c.Ints(1, "axis")![0]),
            ["squeeze"] = c =>
            {
                var x = c.Tensor(0, "x", "input");
                var axes = c.Ints(1, "axis") ?? Enumerable.Range(0, x.Rank).Where(a => x.Shape[a] == 1).ToArray();
                return axes.Select(a => a < 0 ? a + x.Rank : a).OrderDescending().Aggregate(x, Ops.Squeeze);
            },
        };
    }
}
