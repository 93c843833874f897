namespace Balms.Training;

/// <summary>
/// A CPU's model name and instruction-set flags, as Linux lists them in /proc/cpuinfo (for its first processor); it
/// decides whether the CPU does bfloat16 arithmetic natively.
/// </summary>
public sealed record CpuInfo(string Model, IReadOnlySet<string> Flags)
{
    public const string ProcFile = "/proc/cpuinfo";

    /// <summary>
    /// The flags of native bfloat16 arithmetic: AVX512-BF16 (Intel Xeon from Cooper Lake and Sapphire Rapids on, AMD
    /// from Zen 4 on) and AMX-BF16 (Intel Xeon from Sapphire Rapids on). Without them libtorch emulates bfloat16.
    /// </summary>
    public static readonly IReadOnlyList<string> Bfloat16Flags = ["avx512_bf16", "amx_bf16"];

    private static readonly Lazy<CpuInfo> current = new(() => File.Exists(ProcFile) ? Parse(File.ReadAllText(ProcFile)) : Unknown);

    /// <summary>This machine's CPU; <see cref="Unknown"/> where there is no /proc/cpuinfo.</summary>
    public static CpuInfo Current => current.Value;

    /// <summary>A CPU that names no model and lists no flags.</summary>
    public static CpuInfo Unknown { get; } = new("unknown CPU", new HashSet<string>());

    public bool HasNativeBfloat16 => Bfloat16Flags.Any(Flags.Contains);

    /// <summary>Reads the "model name" and "flags" lines of the first processor in /proc/cpuinfo's text.</summary>
    public static CpuInfo Parse(string cpuinfo)
    {
        string? model = null, flags = null;
        foreach (string line in cpuinfo.Split('\n'))
        {
            if (line.Split(':', 2) is not [var key, var value]) continue;
            switch (key.Trim())
            {
                case "model name": model ??= value.Trim(); break;
                case "flags": flags ??= value; break;
            }
            if (model is not null && flags is not null) break;
        }
        return new CpuInfo(model ?? Unknown.Model,
            new HashSet<string>(flags?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], StringComparer.Ordinal));
    }
}
