using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Tests.Testing;

/// <summary>
/// Compares analytical gradients with central finite differences, PyTorch's gradcheck in spirit.
/// The scalar checked is Σ f(x)·R for a fixed random R, so every output element takes part.
/// Tensors are float32, so the loss is summed in float64 and the tolerance is float32-sized.
/// </summary>
public static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 3e-3f, double atol = 2e-2, double rtol = 2e-2, int maxElements = 48, int seed = 7)
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
