using System.Globalization;
using System.Runtime.CompilerServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// The data-cache sizes of the core the kernels run on, read once at start-up, so that block sizes
/// follow the machine (an Intel core's 2 MiB L2, an AMD Zen 4's 1 MiB) instead of constants tuned
/// on one chip. Linux reports them in sysfs; elsewhere, or when it cannot be read, the sizes of a
/// common desktop core are assumed (48 KiB L1d, 1 MiB L2, 2 MiB of L3 per core).
/// </summary>
internal static class CacheSizes
{
    private const int DefaultL1 = 48 << 10, DefaultL2 = 1 << 20, DefaultL3PerCore = 2 << 20;

    /// <summary>Bytes of level-1 data cache per core.</summary>
    public static readonly int L1Data;

    /// <summary>Bytes of level-2 cache per core.</summary>
    public static readonly int L2;

    /// <summary>
    /// Bytes of the last-level cache (L3) per logical CPU sharing it, as this system lists them (a
    /// 32 MiB L3 over 8 cores: 4 MiB); the default where no L3 is reported, as on many ARM cores.
    /// </summary>
    public static readonly int L3PerCore;

    static CacheSizes() => (L1Data, L2, L3PerCore) = Read();

    /// <summary>(L1d, L2, L3 per core) in bytes from sysfs, each falling back to its default.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int L1Data, int L2, int L3PerCore) Read()
    {
        int l1 = DefaultL1, l2 = DefaultL2, l3 = DefaultL3PerCore;
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
                else if (level == 3 && type != "Instruction")
                {
                    int sharing = CountCpus(File.ReadAllText(Path.Combine(dir, "shared_cpu_list")));
                    l3 = Math.Max(size / Math.Max(1, sharing), 4 << 10);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // An unreadable entry leaves that level at its default.
            }
        }
        return (l1, l2, l3);
    }

    /// <summary>
    /// CPUs in sysfs's list form ("0-7,64-71": 16); 0 for anything unreadable, which the caller
    /// treats as one CPU (the whole cache to each core: the most generous reading).
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
