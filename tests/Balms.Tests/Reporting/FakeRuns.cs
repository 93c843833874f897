using System.Globalization;

namespace Balms.Tests.Reporting;

/// <summary>
/// Run directories written by hand in the formats a training run produces (metrics.json, epochs.csv,
/// class_counts.json, config.yaml, sampling_distribution.csv): three classes with 120, 40 and 10 training images.
/// </summary>
internal static class FakeRuns
{
    public static readonly string[] ClassNames = ["cat", "dog", "eel"];
    public static readonly long[] ClassCounts = [120, 40, 10];

    public sealed record Metrics(double Top1, double? Many, double? Medium, double? Few, double MacroF1, double Ece, double Nll);

    public static string Write(string parent, string directoryName, string experiment, Metrics metrics, double[]? lastSamplingRow = null,
        string confusion = "[[9, 1, 0], [3, 6, 1], [2, 5, 3]]", string classCounts = "[120, 40, 10]", string perClass = "[0.9, 0.6, 0.3]")
    {
        string directory = Path.Combine(parent, directoryName);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.yaml"), $"name: {experiment}\nseed: 0\ndata:\n  dataset: fake\n");
        File.WriteAllText(Path.Combine(directory, "class_counts.json"), classCounts + "\n");
        File.WriteAllText(Path.Combine(directory, "metrics.json"), $$"""
            {
              "top1": {{N(metrics.Top1)}},
              "many": {{N(metrics.Many)}},
              "medium": {{N(metrics.Medium)}},
              "few": {{N(metrics.Few)}},
              "macro_f1": {{N(metrics.MacroF1)}},
              "ece": {{N(metrics.Ece)}},
              "nll": {{N(metrics.Nll)}},
              "samples": 30,
              "per_class": {{perClass}},
              "class_names": ["cat", "dog", "eel"],
              "confusion": {{confusion}},
              "split": "test",
              "class_counts": {{classCounts}}
            }
            """);
        File.WriteAllText(Path.Combine(directory, "epochs.csv"),
            "epoch,lr,train_loss,train_accuracy,eval_split,eval_top1,eval_many,eval_medium,eval_few,eval_macro_f1,images_per_s\n" +
            "1,0.1,1.5,0.4,,,,,,,100\n" +
            "2,0.05,1.1,0.55,,,,,,,110\n" +
            $"3,0,0.9,0.62,test,{N(metrics.Top1)},,,,,120\n");
        if (lastSamplingRow is not null)
            File.WriteAllText(Path.Combine(directory, "sampling_distribution.csv"),
                "epoch,class_0,class_1,class_2\n" +
                "1,0.7,0.2,0.1\n" +
                $"2,{string.Join(",", lastSamplingRow.Select(p => N(p)))}\n");
        return directory;
    }

    private static string N(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
