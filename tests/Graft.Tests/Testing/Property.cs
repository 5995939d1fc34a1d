using CsCheck;

namespace Graft.Tests.Testing;

/// <summary>
/// Property tests on CsCheck generators, made deterministic: CsCheck seeds only the first
/// iteration of a sample, so all the cases of a property are drawn as one array in that seeded
/// iteration. Every run checks the same cases; a failure names the case.
/// </summary>
public static class Property
{
    /// <summary>The seed all properties draw from (change it locally to explore other cases).</summary>
    public const string Seed = "eA2TBI0jCw01";

    /// <summary>Checks <paramref name="property"/> on <paramref name="cases"/> values drawn from <paramref name="gen"/>.</summary>
    public static void ForAll<T>(Gen<T> gen, int cases, Action<T> property, Func<T, string>? describe = null)
    {
        gen.Array[cases].Sample(all =>
        {
            for (int i = 0; i < all.Length; i++)
            {
                try { property(all[i]); }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"case {i} ({(describe ?? (c => c?.ToString() ?? "null"))(all[i])}): {e.GetType().Name}: {e.Message}");
                }
            }
        }, seed: Seed, iter: 1, threads: 1, print: all => $"{all.Length} cases drawn from seed {Seed}");
    }

    /// <summary>A shape as text, <c>(2, 3)</c>.</summary>
    public static string Text(int[] shape) => "(" + string.Join(", ", shape) + ")";
}
