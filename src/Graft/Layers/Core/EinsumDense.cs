using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Graft.Activations;
using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// A dense layer written as an einsum of the input and the kernel (Keras's <c>layers.EinsumDense</c>),
/// such as <c>"abc,cd->abd"</c> (Dense on the last axis) or <c>"abc,cde->abde"</c> (a projection to
/// heads): activation(einsum(x, kernel) + bias). The kernel takes each of its letters' sizes from the
/// output shape, else from the input; the bias spans the output axes from the first of
/// <c>bias_axes</c> on, with size 1 on those <c>bias_axes</c> leaves out.
/// </summary>
public sealed partial class EinsumDense : Layer
{
    private Variable? _kernel, _bias;
    private readonly WeightOptions _kernelOptions, _biasOptions;

    /// <param name="equation">The einsum of input and kernel, <c>"ab,bc->ac"</c>, <c>"...b,bc->...c"</c> or <c>"ab...,bc->ac..."</c>.</param>
    /// <param name="outputShape">The output's shape without the batch axis (and without the axes "..." covers); -1 where the input gives it.</param>
    /// <param name="activation">Keras identifier; null is linear.</param>
    /// <param name="biasAxes">The output letters the bias varies along; null for no bias.</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Kernel penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="kernelConstraint">Kernel projection.</param>
    /// <param name="biasConstraint">Bias projection.</param>
    /// <param name="name">Layer name.</param>
    public EinsumDense(string equation, [KerasConfig(Property = nameof(OutputShapeConfig))] IntTuple outputShape, string? activation = null, string? biasAxes = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null) : base(name)
    {
        Equation = equation ?? throw new ArgumentNullException(nameof(equation));
        if (Split(equation) is null)
            throw new ArgumentException($"EinsumDense: expected an equation of the form [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]..., got '{equation}'.", nameof(equation));
        OutputShape = [.. outputShape];
        if (OutputShape.Any(d => d <= 0 && d != -1)) throw new ArgumentException($"EinsumDense: expected output sizes >= 1 (or -1 for any), got {outputShape}.", nameof(outputShape));
        Activation = ActivationFunction.Get(activation);
        BiasAxes = string.IsNullOrEmpty(biasAxes) ? null : biasAxes;
        _kernelOptions = new(kernelInitializer ?? new GlorotUniform(), kernelRegularizer, kernelConstraint);
        _biasOptions = new(biasInitializer ?? new Zeros(), biasRegularizer, biasConstraint);
    }

    /// <summary>The einsum equation.</summary>
    public string Equation { get; }
    /// <summary>The output shape as given, without the batch axis; -1 where unknown.</summary>
    public int[] OutputShape { get; }
    // Keras writes a size it leaves open as None.
    private JsonArray OutputShapeConfig => new(OutputShape.Select(d => d == -1 ? null : (JsonNode)d).ToArray());
    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>The output letters the bias varies along, or null for no bias.</summary>
    public string? BiasAxes { get; }
    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer => _kernelOptions.Initializer;
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer => _biasOptions.Initializer;
    /// <summary>Kernel penalty.</summary>
    public Regularizer? KernelRegularizer => _kernelOptions.Regularizer;
    /// <summary>Bias penalty.</summary>
    public Regularizer? BiasRegularizer => _biasOptions.Regularizer;
    /// <summary>Kernel projection.</summary>
    public Constraint? KernelConstraint => _kernelOptions.Constraint;
    /// <summary>Bias projection.</summary>
    public Constraint? BiasConstraint => _biasOptions.Constraint;
    /// <summary>The kernel, once built.</summary>
    public Variable? Kernel => _kernel;
    /// <summary>The bias, or null.</summary>
    public Variable? Bias => _bias;

    [GeneratedRegex("^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")] private static partial Regex Plain();
    [GeneratedRegex("^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$")] private static partial Regex LeftElided();
    [GeneratedRegex("^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$")] private static partial Regex RightElided();

    /// <summary>Input, kernel and output letters, and whether "..." leads; null for an equation EinsumDense does not take.</summary>
    private static (string Input, string Kernel, string Output, bool LeftElided)? Split(string equation)
    {
        var s = equation.Replace("...", "0");
        if (Plain().Match(s) is { Success: true } p) return (p.Groups[1].Value, p.Groups[2].Value, p.Groups[3].Value, false);
        if (LeftElided().Match(s) is { Success: true } l) return (l.Groups[1].Value, l.Groups[2].Value, l.Groups[3].Value, true);
        if (RightElided().Match(s) is { Success: true } r) return (r.Groups[1].Value, r.Groups[2].Value, r.Groups[3].Value, false);
        return null;
    }

    /// <summary>Keras's shapes for an input shape (batch first): kernel, bias (null without), and the whole output.</summary>
    private (int[] Kernel, int[]? Bias, int?[] Output) Analyze(int?[] input)
    {
        var (inSpec, kernelSpec, outSpec, left) = Split(Equation)!.Value;
        int elided = input.Length - inSpec.Length;
        if (elided < 0 || (!Equation.Contains("...") && elided != 0))
            throw new ArgumentException($"{Describe()}: expected input of rank {inSpec.Length}{(Equation.Contains("...") ? " or more" : "")} for '{Equation}', got shape {FormatShape(input)}.");
        // The output: batch, the axes "..." covers (before or after), and the given sizes.
        var given = OutputShape.Select(d => d == -1 ? null : (int?)d).ToList();
        var output = new List<int?> { input[0] };
        if (left && elided > 1) output.AddRange(input[1..elided]);
        output.AddRange(given);
        if (!left) output.AddRange(input[(input.Length - elided)..]);
        int offset = left ? elided : 0;
        if (offset + outSpec.Length + (left ? 0 : elided) != output.Count)
            throw new ArgumentException($"{Describe()}: expected output_shape with {outSpec.Length - 1} sizes for '{Equation}' (all but the batch axis), got {Tensors.Shape.Format(OutputShape)}.");
        int InputAxis(char c) => (left ? elided : 0) + inSpec.IndexOf(c);
        int OutputAxis(char c) => offset + outSpec.IndexOf(c);
        foreach (var c in inSpec)
            if (outSpec.Contains(c))
            {
                if (output[OutputAxis(c)] is int o && input[InputAxis(c)] is int i && o != i)
                    throw new ArgumentException($"{Describe()}: expected input and output sizes to match on '{c}', got input {i} and output {o}.");
                output[OutputAxis(c)] ??= input[InputAxis(c)];
            }
        foreach (var c in outSpec)
            if (!inSpec.Contains(c) && !kernelSpec.Contains(c))
                throw new ArgumentException($"{Describe()}: expected every output letter in the input or the kernel, got '{c}' in '{Equation}'.");
        var kernel = kernelSpec.Select(c =>
        {
            int? size = outSpec.Contains(c) ? output[OutputAxis(c)] : inSpec.Contains(c) ? input[InputAxis(c)]
                : throw new ArgumentException($"{Describe()}: expected every kernel letter in the input or the output, got '{c}' in '{Equation}'.");
            return size ?? throw new ArgumentException($"{Describe()}: expected a known size for kernel axis '{c}', got an unknown one (input {FormatShape(input)}, output_shape {Tensors.Shape.Format(OutputShape)}).");
        }).ToArray();
        int[]? bias = null;
        if (BiasAxes is { } axes)
        {
            foreach (var c in axes)
                if (!outSpec.Contains(c)) throw new ArgumentException($"{Describe()}: expected bias axes among the output letters '{outSpec}', got '{c}'.");
            int first = axes.Min(c => outSpec.IndexOf(c));
            bias = [.. outSpec[first..].Select(c => axes.Contains(c)
                ? output[OutputAxis(c)] ?? throw new ArgumentException($"{Describe()}: expected a known size for bias axis '{c}', got an unknown one.")
                : 1), .. Enumerable.Repeat(1, left ? 0 : elided)];
        }
        return (kernel, bias, [.. output]);
    }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        var (kernel, bias, _) = Analyze(inputShape);
        _kernel = AddWeight("kernel", kernel, _kernelOptions);
        if (bias is not null) _bias = AddWeight("bias", bias, _biasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Ops.Einsum(Equation, x, _kernel!.Value);
        if (_bias is not null) y = Ops.Add(y, _bias.Value);
        return Activation.Call(y);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => Analyze(inputShape).Output;
}
