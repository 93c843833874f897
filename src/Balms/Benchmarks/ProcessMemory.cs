using System.Globalization;

namespace Balms.Benchmarks;

/// <summary>The process's resident memory as Linux reports it in /proc/self/status (zero where that file is absent).</summary>
public static class ProcessMemory
{
    /// <summary>Current resident set size (VmRSS) in MiB.</summary>
    public static double ResidentMb() => ReadMb("VmRSS:");

    /// <summary>Peak resident set size since the process started (VmHWM) in MiB.</summary>
    public static double PeakResidentMb() => ReadMb("VmHWM:");

    /// <summary>
    /// Lowers the peak (VmHWM) to the current resident size, so that the next <see cref="PeakResidentMb"/> is the peak
    /// of what runs in between (Linux: writing 5 to /proc/self/clear_refs). Does nothing where that is not possible.
    /// </summary>
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static double ReadMb(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        foreach (string line in File.ReadLines(status))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            // "VmHWM:    123456 kB"
            string kilobytes = line[field.Length..].Trim().Split(' ')[0];
            return long.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024.0;
        }
        return 0;
    }
}
