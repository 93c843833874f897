using Balms.Data;
using Balms.Evaluation;

namespace Balms.Cli;

/// <summary>Per-class training counts and shot groups of a config's training set, one class a line.</summary>
public static class DataCommand
{
    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--config", "--data-root", "--set");
        var options = CliApp.LoadConfig(arguments, arguments.Required("--config", "data --config FILE [--data-root DIR]"));
        var data = DatasetCatalog.Load(options);
        long[] counts = data.Train.ClassCounts();
        Console.WriteLine($"{data.DatasetName}: {data.Train.Count} training images, {data.ClassCount} classes, imbalance factor {counts.Max() / (double)Math.Max(counts.Min(), 1):F1}, test {data.Test.Count}");
        Console.WriteLine("class\tname\tcount\tgroup");
        for (int c = 0; c < counts.Length; c++)
            Console.WriteLine($"{c}\t{data.ClassNames[c]}\t{counts[c]}\t{ShotGroups.Of(counts[c]).ToString().ToLowerInvariant()}");
        var groups = counts.GroupBy(ShotGroups.Of).ToDictionary(g => g.Key, g => g.Count());
        Console.WriteLine($"many (>{ShotGroups.ManyAbove}): {groups.GetValueOrDefault(ShotGroup.Many)} classes, medium ({ShotGroups.FewBelow}-{ShotGroups.ManyAbove}): {groups.GetValueOrDefault(ShotGroup.Medium)}, few (<{ShotGroups.FewBelow}): {groups.GetValueOrDefault(ShotGroup.Few)}");
        return 0;
    }
}
