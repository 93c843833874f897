using System.Diagnostics;

namespace Balms.Benchmarks;

/// <summary>Images per second of a repeated piece of work, timed after warm-up repetitions.</summary>
public static class StepTiming
{
    /// <summary>Runs <paramref name="step"/> warmup + timed times and returns timed × imagesPerStep / elapsed seconds.</summary>
    public static double ImagesPerSecond(int warmup, int timed, int imagesPerStep, Action step)
    {
        for (int i = 0; i < warmup; i++) step();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < timed; i++) step();
        return (double)timed * imagesPerStep / watch.Elapsed.TotalSeconds;
    }
}
