using System.Globalization;
using System.Runtime.CompilerServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// The data-cache sizes of the core the kernels run on, read once at start-up, so that block sizes
/// follow the machine (an Intel core's 2 MiB L2, an AMD Zen 4's 1 MiB) instead of constants tuned
/// on one chip. Linux reports them in sysfs; elsewhere, or when it cannot be read, the sizes of a
/// common desktop core are assumed (48 KiB L1d, 1 MiB L2).
/// </summary>
internal static class CacheSizes
{
    private const int DefaultL1 = 48 << 10, DefaultL2 = 1 << 20;

    /// <summary>Bytes of level-1 data cache per core.</summary>
    public static readonly int L1Data;

    /// <summary>Bytes of level-2 cache per core.</summary>
    public static readonly int L2;

    static CacheSizes() => (L1Data, L2) = Read();

    /// <summary>(L1d, L2) in bytes from sysfs, each falling back to its default.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int L1Data, int L2) Read()
    {
        int l1 = DefaultL1, l2 = DefaultL2;
        for (int index = 0; index < 8; index++)
        {
            string dir = $"/sys/devices/system/cpu/cpu0/cache/index{index}";
            try
            {
                if (!Directory.Exists(dir)) break;
                int level = int.Parse(File.ReadAllText(Path.Combine(dir, "level")).Trim(), CultureInfo.InvariantCulture);
                string type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
                if (Parse(File.ReadAllText(Path.Combine(dir, "size"))) is not { } size) continue;
                if (level == 1 && type == "Data") l1 = size;
                else if (level == 2 && type != "Instruction") l2 = size;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // An unreadable entry leaves that level at its default.
            }
        }
        return (l1, l2);
    }

    /// <summary>
    /// Bytes from sysfs's "48K" / "2048K" / "1M" form; null for anything implausible (under 4 KiB or
    /// over 1 GiB), so that a strange report falls back to the default instead of a silly block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int? Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return null;
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value)) return null;
        long bytes = value * unit;
        return bytes is >= 4 << 10 and <= 1L << 30 ? (int)bytes : null;
    }
}
