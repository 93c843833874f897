using System.Diagnostics;
using System.Globalization;

namespace Balms.Benchmarks;

/// <summary>One part of a bench run: what it measures, how much work it does (see <see cref="BenchmarkWork"/>), and the measurement.</summary>
internal sealed record BenchmarkPart(string Description, double Work, Action Run);

/// <summary>
/// Runs a bench's parts in order and reports a line as each starts: its number, the share of the whole run's work
/// done so far, and from the second part on the time left at the pace so far.
/// </summary>
internal static class BenchmarkProgress
{
    public static void Run(IReadOnlyList<BenchmarkPart> parts, Action<string> report, CancellationToken cancellation)
    {
        double total = parts.Sum(part => part.Work), done = 0;
        var clock = Stopwatch.StartNew();
        for (int index = 0; index < parts.Count; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            string timeLeft = done > 0 ? ", about " + Duration(clock.Elapsed.TotalSeconds / done * (total - done)) + " left" : "";
            // Rounded down: a run never says 100 % before its last part has finished.
            report($"[{index + 1}/{parts.Count}, {Math.Floor(100 * done / total):F0}% of the work done{timeLeft}] {parts[index].Description}");
            parts[index].Run();
            done += parts[index].Work;
        }
    }

    private static string Duration(double seconds) => seconds < 90
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F0} min");
}
