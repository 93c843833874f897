using Balms.Data;
using Balms.Evaluation;
using Balms.Reporting;

namespace Balms.Cli;

/// <summary>
/// Per-class training counts and shot groups of a config's training set, one class a line, and the long-tail profile
/// as long_tail_profile.png in the config's output directory (output.dir, or --output DIR).
/// </summary>
public static class DataCommand
{
    public const string Usage = "data --config FILE [--output DIR] [--data-root DIR] [--set key=value ...]";
    public const string ProfileFile = "long_tail_profile.png";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--config", "--output", "--data-root", "--set");
        var options = CliApp.LoadConfig(arguments, arguments.Required("--config", Usage));
        var data = ConsoleObserver.Render(options.Training.BatchSize, observer => DatasetCatalog.Load(options, observer));
        long[] counts = data.Train.ClassCounts();
        string validation = data.Validation is null ? "" : $", val {data.Validation.Count}";
        Console.WriteLine($"{data.DatasetName}: {data.Train.Count} training images, {data.ClassCount} classes, imbalance factor {counts.Max() / (double)Math.Max(counts.Min(), 1):F1} (most {counts.Max()}, fewest {counts.Min()}){validation}, test {data.Test.Count}");
        Console.WriteLine("class\tname\tcount\tgroup");
        for (int c = 0; c < counts.Length; c++)
            Console.WriteLine($"{c}\t{data.ClassNames[c]}\t{counts[c]}\t{ShotGroups.Of(counts[c]).ToString().ToLowerInvariant()}");
        var groups = counts.GroupBy(ShotGroups.Of).ToDictionary(g => g.Key, g => g.Count());
        Console.WriteLine($"many (>{ShotGroups.ManyAbove}): {groups.GetValueOrDefault(ShotGroup.Many)} classes, medium ({ShotGroups.FewBelow}-{ShotGroups.ManyAbove}): {groups.GetValueOrDefault(ShotGroup.Medium)}, few (<{ShotGroups.FewBelow}): {groups.GetValueOrDefault(ShotGroup.Few)}");

        string profile = Path.GetFullPath(Path.Combine(options.Output.Dir, ProfileFile));
        LongTailProfilePlot.Write(profile, counts, data.ClassNames);
        Console.WriteLine($"long-tail profile written to {profile}");
        return 0;
    }
}
