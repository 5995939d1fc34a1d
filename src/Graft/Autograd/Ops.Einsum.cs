using Graft.Tensors;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Einstein summation of two tensors (<c>keras.ops.einsum</c> with two operands), such as
    /// <c>"abc,cd->abd"</c>: letters shared by both operands and the output are batch axes, letters
    /// shared by the operands only are summed over, and letters of one operand only are summed over
    /// unless the output keeps them. <c>"..."</c> stands for the leading (or trailing) axes of the
    /// first operand the letters do not name, and must appear in the output too.
    /// </summary>
    /// <remarks>
    /// One batched matrix product: each operand is summed over its own letters the output drops,
    /// permuted to (batch, kept, summed) and (batch, summed, kept), folded to three axes, multiplied,
    /// and unfolded to the output's order. Gradients come from those ops.
    /// </remarks>
    /// <exception cref="ArgumentException">The equation is malformed, a letter repeats within one operand, or sizes disagree.</exception>
    /// <exception cref="NotSupportedException">The second operand has <c>"..."</c>.</exception>
    public static Tensor Einsum(string equation, Tensor a, Tensor b)
    {
        var (left, right, output) = EinsumSpec(equation, a.Rank, b.Rank);
        var sizes = new Dictionary<char, int>();
        void Size(string spec, Tensor t)
        {
            for (int i = 0; i < spec.Length; i++)
            {
                if (sizes.TryGetValue(spec[i], out var n) && n != t.Shape[i])
                    throw new ArgumentException($"Einsum '{equation}': expected equal sizes for '{Label(spec[i])}', got {n} and {t.Shape[i]} (shapes {a.Shape} and {b.Shape}).");
                sizes[spec[i]] = t.Shape[i];
            }
        }
        Size(left, a); Size(right, b);

        string batch = string.Concat(output.Where(c => left.Contains(c) && right.Contains(c)));
        string keptA = string.Concat(output.Where(c => left.Contains(c) && !right.Contains(c)));
        string keptB = string.Concat(output.Where(c => right.Contains(c) && !left.Contains(c)));
        string summed = string.Concat(left.Where(c => right.Contains(c) && !output.Contains(c)));

        Tensor Prepare(Tensor t, string spec, string order)
        {
            // Letters of this operand alone that the output drops are summed first.
            var own = Enumerable.Range(0, spec.Length).Where(i => !order.Contains(spec[i])).ToArray();
            if (own.Length > 0) { t = Sum(t, own); spec = string.Concat(spec.Where(c => order.Contains(c))); }
            var perm = order.Select(c => spec.IndexOf(c)).ToArray();
            return perm.Select((p, i) => p == i).All(same => same) ? t : Permute(t, perm);
        }
        int Product(string letters) => letters.Aggregate(1, (p, c) => p * sizes[c]);
        var am = Reshape(Prepare(a, left, batch + keptA + summed), Product(batch), Product(keptA), Product(summed));
        var bm = Reshape(Prepare(b, right, batch + summed + keptB), Product(batch), Product(summed), Product(keptB));
        var product = MatMul(am, bm);
        string order = batch + keptA + keptB;
        var unfolded = Reshape(product, order.Select(c => sizes[c]).ToArray());
        var toOutput = output.Select(c => order.IndexOf(c)).ToArray();
        return toOutput.Select((p, i) => p == i).All(same => same) ? unfolded : Permute(unfolded, toOutput);
    }

    private static string Label(char c) => c < 'A' ? "..." : c.ToString();

    /// <summary>
    /// The operands' and output's letters, <c>"..."</c> replaced by one stand-in character per
    /// axis it covers (characters below 'A', which no letter uses).
    /// </summary>
    internal static (string Left, string Right, string Output) EinsumSpec(string equation, int rankA, int rankB)
    {
        var halves = equation.Replace(" ", "").Split("->");
        var operands = halves[0].Split(',');
        if (halves.Length != 2 || operands.Length != 2)
            throw new ArgumentException($"Einsum '{equation}': expected two operands and an output, as in 'ab,bc->ac'.");
        string left = operands[0], right = operands[1], output = halves[1];
        if (right.Contains("..."))
            throw new NotSupportedException($"Einsum '{equation}': expected '...' in the first operand and the output only, got it in the second operand.");
        // The axes "..." covers: those of the first operand its letters leave unnamed.
        int covered = rankA - left.Replace("...", "").Length;
        string Expand(string spec, int? rank, string what)
        {
            int dots = spec.IndexOf("...", StringComparison.Ordinal);
            string letters = spec.Replace("...", "");
            if (letters.Any(c => !char.IsAsciiLetter(c)) || (dots >= 0 && spec.IndexOf("...", dots + 1, StringComparison.Ordinal) >= 0))
                throw new ArgumentException($"Einsum '{equation}': expected letters and at most one '...' in the {what}, got '{spec}'.");
            if (dots < 0)
            {
                if (rank is int r && letters.Length != r) throw new ArgumentException($"Einsum '{equation}': expected the {what} '{spec}' to name all {r} axes.");
                return letters;
            }
            if (covered < 0) throw new ArgumentException($"Einsum '{equation}': expected the first operand of rank {rankA} to have at least {rankA - covered} axes.");
            var stand = new string(Enumerable.Range(0, covered).Select(i => (char)('0' + i)).ToArray());
            return spec[..dots] + stand + spec[(dots + 3)..];
        }
        bool outputDots = output.Contains("...");
        left = Expand(left, rankA, "first operand");
        right = Expand(right, rankB, "second operand");
        output = Expand(output, null, "output");
        if (left.Any(c => c < 'A') && !outputDots)
            throw new NotSupportedException($"Einsum '{equation}': expected '...' in the output too, got it in the first operand only.");
        foreach (var (spec, what) in new[] { (left, "first operand"), (right, "second operand"), (output, "output") })
            if (spec.Distinct().Count() != spec.Length)
                throw new ArgumentException($"Einsum '{equation}': expected each letter at most once in the {what}, got '{spec}' (diagonals are not supported).");
        foreach (var c in output)
            if (!left.Contains(c) && !right.Contains(c))
                throw new ArgumentException($"Einsum '{equation}': expected every output letter in an operand, got '{Label(c)}'.");
        return (left, right, output);
    }
}
