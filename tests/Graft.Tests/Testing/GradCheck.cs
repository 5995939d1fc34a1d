using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Tests.Testing;

/// <summary>
/// Gradient checks. <see cref="Check"/> runs a function on the CPU backend and on the float64
/// reference backend (<see cref="Device.Reference"/>) and requires the values and the gradients of
/// every input to agree to <see cref="OracleTolerance"/>, float32 rounding and nothing more; the
/// reference's own gradients are checked against central finite differences in float64, so the
/// oracle is checked too. <see cref="CheckFloat32"/> is the older float32 finite-difference check,
/// for functions that cannot run on another device (a layer object whose weights live on the CPU).
/// The scalar differentiated is Σ f(x)·R for a fixed random R, so every output element takes part.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// CPU against the reference: |cpu − ref| ≤ tol·(|ref| + max|ref|) + <see cref="OracleFloor"/>.
    /// float32 keeps about 7 digits; sums of a few hundred terms (a GEMM, a convolution, a gradient
    /// through a recurrence) lose one.
    /// </summary>
    public const double OracleTolerance = 1e-5;

    /// <summary>
    /// An absolute floor for gradients that are zero by design (terms of size ~1 that cancel exactly
    /// in float64 leave float32 residue of ~1e-9, e.g. a key bias in attention).
    /// </summary>
    public const double OracleFloor = 1e-7;

    /// <summary>
    /// The reference against finite differences in float64, step <see cref="FiniteDifferenceStep"/>:
    /// truncation ~h² and rounding ~1e-16/h, both far below this.
    /// </summary>
    public const double ReferenceTolerance = 1e-6;

    private const double FiniteDifferenceStep = 1e-6;

    /// <summary>
    /// Runs <paramref name="f"/> on both backends and compares values and gradients, then checks the
    /// reference's gradients by finite differences. Tensors that <paramref name="f"/> creates itself
    /// go to the device it runs on (it runs inside <see cref="DefaultDevice.Use"/>).
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, int maxElements = 48, int seed = 7) =>
        CheckOnBothDevices(device => (f, inputs.Select(x => x.To(device)).ToArray()), maxElements, seed);

    /// <summary>
    /// <see cref="Check"/> for functions that hold state per device (a layer and its weights):
    /// <paramref name="setup"/> makes the function and its inputs for a device, called inside
    /// <see cref="DefaultDevice.Use"/> for that device. Inputs are differentiated in the order given.
    /// </summary>
    public static void CheckOnBothDevices(Func<Device, (Func<Tensor[], Tensor> F, Tensor[] Inputs)> setup, int maxElements = 48, int seed = 7)
    {
        var (cpuY, cpuGrads, _, _, _) = Run(setup, Device.Cpu, seed);
        var (refY, refGrads, refF, refInputs, r) = Run(setup, Device.Reference, seed);
        Close("value", cpuY, refY);
        for (int k = 0; k < cpuGrads.Length; k++)
            Close($"gradient of input {k} (shape {refInputs[k].Shape})", cpuGrads[k], refGrads[k]);
        CheckReferenceByFiniteDifferences(refF, refInputs, refGrads, r, maxElements, seed);
    }

    /// <summary>Values only, for ops without a gradient (comparisons, arg-max, one-hot): the CPU against the reference.</summary>
    public static void CheckValues(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        double[] On(Device device)
        {
            using var _ = DefaultDevice.Use(device);
            var y = f(inputs.Select(x => x.To(device)).ToArray());
            Assert.Equal(device, y.Device);
            return Values(y);
        }
        Close("value", On(Device.Cpu), On(Device.Reference));
    }

    private static (double[] Y, double[][] Grads, Func<Tensor[], Tensor> F, Tensor[] Inputs, double[] R) Run(
        Func<Device, (Func<Tensor[], Tensor> F, Tensor[] Inputs)> setup, Device device, int seed)
    {
        using var _ = DefaultDevice.Use(device);
        var (f, inputs) = setup(device);
        foreach (var x in inputs) { Assert.Equal(device, x.Device); x.RequiresGrad = true; x.ZeroGrad(); }
        var y = f(inputs);
        Assert.Equal(device, y.Device);
        var r = Tensor.RandomUniform(y.Shape.ToArray(), -1f, 1f, new Generator(seed));
        Ops.Sum(Ops.Multiply(y, r)).Backward();
        var grads = inputs.Select(x => x.Grad is null ? new double[x.Size] : Values(x.Grad)).ToArray();
        return (Values(y), grads, f, inputs, r.ToArray().Select(v => (double)v).ToArray());
    }

    /// <summary>The values of a tensor, in float64 on the reference device (its full precision).</summary>
    public static double[] Values(Tensor t) =>
        t.Device == Device.Reference ? (double[])ReferenceBackend.D(t).Clone() : t.ToArray().Select(v => (double)v).ToArray();

    /// <summary>Asserts |actual − expected| ≤ tol·(|expected| + max|expected|) + <see cref="OracleFloor"/> element by element.</summary>
    public static void Close(string what, double[] actual, double[] expected, double tol = OracleTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (e == a || (double.IsNaN(e) && double.IsNaN(a))) continue;
            double allowed = tol * (Math.Abs(e) + scale) + OracleFloor;
            if (!(Math.Abs(a - e) <= allowed))
                throw new Xunit.Sdk.XunitException(
                    $"CPU against the float64 reference, {what}, element {i}: reference {e:G10}, CPU {a:G10} (difference {Math.Abs(a - e):G3}, allowed {allowed:G3}).");
        }
    }

    private static void CheckReferenceByFiniteDifferences(Func<Tensor[], Tensor> f, Tensor[] inputs, double[][] grads, double[] r, int maxElements, int seed)
    {
        double Loss()
        {
            using var _ = DefaultDevice.Use(Device.Reference);
            using var __ = GradMode.NoGrad();
            var y = ReferenceBackend.D(f(inputs));
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += y[i] * r[i];
            return s;
        }

        var pick = new Generator(seed + 1);
        for (int k = 0; k < inputs.Length; k++)
        {
            var data = ReferenceBackend.D(inputs[k]);
            var indices = data.Length <= maxElements ? Enumerable.Range(0, data.Length) : Enumerable.Range(0, maxElements).Select(_ => pick.NextInt(data.Length)).Distinct();
            foreach (int i in indices)
            {
                double orig = data[i], h = FiniteDifferenceStep * Math.Max(1, Math.Abs(orig));
                data[i] = orig + h; double up = Loss();
                data[i] = orig - h; double down = Loss();
                data[i] = orig;
                double numeric = (up - down) / (2 * h), analytic = grads[k][i];
                if (Math.Abs(numeric - analytic) > ReferenceTolerance * (1 + Math.Abs(numeric)))
                    throw new Xunit.Sdk.XunitException(
                        $"Reference gradient mismatch for input {k} (shape {inputs[k].Shape}) at element {i}: numerical {numeric:G10}, analytical {analytic:G10}.");
            }
        }
    }

    /// <summary>Central finite differences in float32 on the CPU, with a float32-sized tolerance.</summary>
    public static void CheckFloat32(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 3e-3f, double atol = 2e-2, double rtol = 2e-2, int maxElements = 48, int seed = 7)
    {
        foreach (var x in inputs) { x.RequiresGrad = true; x.ZeroGrad(); }
        var y = f(inputs);
        var r = Tensor.RandomUniform(y.Shape.ToArray(), -1f, 1f, new Generator(seed));
        Ops.Sum(Ops.Multiply(y, r)).Backward();
        var rd = r.ToArray();

        double Loss()
        {
            using var _ = GradMode.NoGrad();
            var yd = f(inputs).ToArray();
            double s = 0;
            for (int i = 0; i < yd.Length; i++) s += (double)yd[i] * rd[i];
            return s;
        }

        var pick = new Generator(seed + 1);
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            var grad = x.Grad?.ToArray() ?? new float[x.Size];
            var data = x.Data;
            var indices = x.Size <= maxElements ? Enumerable.Range(0, x.Size) : Enumerable.Range(0, maxElements).Select(_ => pick.NextInt(x.Size)).Distinct();
            foreach (int i in indices)
            {
                float orig = data[i];
                data[i] = orig + eps; double up = Loss();
                data[i] = orig - eps; double down = Loss();
                data[i] = orig;
                double numeric = (up - down) / (2 * eps), analytic = grad[i];
                if (Math.Abs(numeric - analytic) > atol + rtol * Math.Abs(numeric))
                    throw new Xunit.Sdk.XunitException(
                        $"Gradient mismatch for input {k} (shape {x.Shape}) at element {i}: numerical {numeric:G6}, analytical {analytic:G6}.");
            }
        }
    }

    /// <summary>Uniform values whose magnitude is at least <paramref name="margin"/>, away from kinks at 0.</summary>
    public static Tensor AwayFromZero(int[] shape, int seed, float margin = 0.1f, float scale = 1f)
    {
        var g = new Generator(seed);
        var t = Tensor.Zeros(shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++)
        {
            float v = margin + (scale - margin) * g.NextFloat();
            d[i] = g.NextFloat() < 0.5f ? -v : v;
        }
        return t;
    }

    public static Tensor Uniform(int[] shape, int seed, float lo = -1f, float hi = 1f) => Tensor.RandomUniform(shape, lo, hi, new Generator(seed));
}
