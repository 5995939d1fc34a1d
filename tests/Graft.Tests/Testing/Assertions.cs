using Graft.Tensors;

namespace Graft.Tests.Testing;

public static class Assertions
{
    public static void Close(float[] expected, float[] actual, float tol = 1e-5f, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) && float.IsNaN(a)) continue;
            if (!(Math.Abs(e - a) <= tol * (1 + Math.Abs(e))))
                throw new Xunit.Sdk.XunitException($"{what} element {i}: expected {e:G9}, got {a:G9} (tolerance {tol}).");
        }
    }

    public static void Close(Tensor expected, Tensor actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Close(expected.ToArray(), actual.ToArray(), tol);
    }

    public static void Close(float[] expected, Tensor actual, float tol = 1e-5f) => Close(expected, actual.ToArray(), tol);
}
