using System.Globalization;
using System.Runtime.CompilerServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// The data-cache sizes of the core the kernels run on, read once at start-up, so that block sizes
/// follow the machine (an Intel core's 48 KiB 12-way L1d and 2 MiB L2, an AMD Zen 4's 32 KiB 8-way
/// L1d and 1 MiB L2) instead of constants tuned on one chip. Linux reports them in sysfs;
/// elsewhere, or when it cannot be read, a common desktop core is assumed (48 KiB 12-way L1d,
/// 1 MiB L2, 2 MiB of L3 per core).
/// </summary>
internal static class CacheSizes
{
    private const int DefaultL1 = 48 << 10, DefaultL1Ways = 12, DefaultL2 = 1 << 20, DefaultL2Ways = 16, DefaultL3PerCore = 2 << 20;

    /// <summary>Bytes of level-1 data cache per core.</summary>
    public static readonly int L1Data;

    /// <summary>Ways of associativity of the level-1 data cache.</summary>
    public static readonly int L1DataWays;

    /// <summary>Bytes of level-2 cache per core.</summary>
    public static readonly int L2;

    /// <summary>Ways of associativity of the level-2 cache.</summary>
    public static readonly int L2Ways;

    /// <summary>
    /// Bytes of the last-level cache per core that shares it (a 32 MiB L3 over 8 cores: 4 MiB), or
    /// the default when the machine reports no L3.
    /// </summary>
    public static readonly int L3PerCore;

    static CacheSizes() => (L1Data, L1DataWays, L2, L2Ways, L3PerCore) = Read();

    /// <summary>(L1d, its ways, L2, its ways, L3 per core) from sysfs, each falling back to its default.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int L1Data, int L1Ways, int L2, int L2Ways, int L3PerCore) Read()
    {
        int l1 = DefaultL1, ways = DefaultL1Ways, l2 = DefaultL2, ways2 = DefaultL2Ways, l3 = DefaultL3PerCore;
        for (int index = 0; index < 8; index++)
        {
            string dir = $"/sys/devices/system/cpu/cpu0/cache/index{index}";
            try
            {
                if (!Directory.Exists(dir)) break;
                int level = int.Parse(File.ReadAllText(Path.Combine(dir, "level")).Trim(), CultureInfo.InvariantCulture);
                string type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
                if (Parse(File.ReadAllText(Path.Combine(dir, "size"))) is not { } size) continue;
                if (level == 1 && type == "Data")
                {
                    l1 = size;
                    ways = Ways(dir) ?? ways;
                }
                else if (level == 2 && type != "Instruction")
                {
                    l2 = size;
                    ways2 = Ways(dir) ?? ways2;
                }
                else if (level == 3 && type != "Instruction")
                {
                    int sharing = CountCpus(File.ReadAllText(Path.Combine(dir, "shared_cpu_list")));
                    l3 = (int)Math.Max(size / Math.Max(1, sharing), 4 << 10);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // An unreadable entry leaves that level at its default.
            }
        }
        return (l1, ways, l2, ways2, l3);
    }

    /// <summary>A cache's ways of associativity from sysfs; null when absent or implausible (a fully associative cache reports 0).</summary>
    private static int? Ways(string dir) =>
        int.TryParse(File.ReadAllText(Path.Combine(dir, "ways_of_associativity")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int w) && w is >= 2 and <= 64 ? w : null;

    /// <summary>
    /// CPUs in sysfs's list form ("0-7,64-71": 16); 0 for anything unreadable, which the caller
    /// treats as one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int CountCpus(string list)
    {
        int count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            if (ends.Length > 2
                || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
                || last < first)
                return 0;
            count += last - first + 1;
        }
        return count;
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
