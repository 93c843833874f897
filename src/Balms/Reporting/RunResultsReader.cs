using System.Text.Json.Nodes;
using Balms.Configuration;
using Balms.Data;

namespace Balms.Reporting;

/// <summary>
/// Reads a run directory written by a training run (or by eval): metrics.json is required; config.yaml, epochs.csv,
/// class_counts.json and sampling_distribution.csv are read when present.
/// </summary>
public static class RunResultsReader
{
    public static RunResults Read(string directory)
    {
        // One spelling per directory ("runs/a/" and "runs/x/../a" are runs/a), so that a run given twice is seen as one.
        string path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(path))
            throw new DataException($"{directory} is not a run directory: {(File.Exists(path) ? "it is a file" : "it does not exist")}");
        string metricsFile = Path.Combine(path, RunFileNames.Metrics);
        if (!File.Exists(metricsFile))
            throw new DataException(File.Exists(Path.Combine(path, RunFileNames.LatestCheckpointPath))
                ? $"{directory} is a run that has not finished (no {RunFileNames.Metrics} yet); finish it with ./balms train ... --resume"
                : $"{directory} is not a run directory: it holds no {RunFileNames.Metrics}" +
                  (File.Exists(Path.Combine(path, RunFileNames.EarlierRun, RunFileNames.Metrics))
                      ? $" (a finished run waits in {Path.Combine(directory, RunFileNames.EarlierRun)}: a newer run there stopped before its first checkpoint)"
                      : ""));

        var json = JsonFields.Read(metricsFile);
        var root = json.Object(json.Root, "the top level");
        var metrics = ReadMetrics(json, root, metricsFile);
        int classCount = metrics.PerClass.Count;

        var classCounts = ReadClassCounts(path, json, root);
        if (classCounts is not null && classCounts.Length != classCount)
            throw new DataException($"{Path.Combine(path, RunFileNames.ClassCounts)} lists {classCounts.Length} classes, but {metricsFile} has {classCount}");

        return new RunResults(path, ReadExperimentName(path, json, root), metrics, classCounts,
            ReadEpochs(Path.Combine(path, RunFileNames.Epochs)), ReadSamplingDistribution(Path.Combine(path, RunFileNames.SamplingDistribution), classCount),
            ReadSettings(Path.Combine(path, RunFileNames.Config)));
    }

    private static RunMetrics ReadMetrics(JsonFields json, JsonObject root, string metricsFile)
    {
        // null for a class without test images.
        double?[] perClass = json.NullableNumbers(json.Required(root, "per_class", "an array of per-class accuracies"), "per_class");
        string[] classNames = json.Strings(json.Required(root, "class_names", "an array of class names"), "class_names");
        long[][] confusion = json.IntegerRows(json.Required(root, "confusion", "a square array of counts"), "confusion");
        int classCount = perClass.Length;
        if (classCount == 0) throw new DataException($"{metricsFile}: 'per_class' is empty; expected one accuracy per class");
        if (classNames.Length != classCount)
            throw new DataException($"{metricsFile}: 'class_names' has {classNames.Length} entries, but 'per_class' has {classCount}");
        if (confusion.Length != classCount || confusion.Any(row => row.Length != classCount))
            throw new DataException($"{metricsFile}: 'confusion' must be {classCount} x {classCount} (one row and column per class)");

        return new RunMetrics(
            json.Number(root, "top1"), json.NullableNumber(root, "many"), json.NullableNumber(root, "medium"),
            json.NullableNumber(root, "few"), json.Number(root, "macro_f1"), json.Number(root, "ece"), json.Number(root, "nll"),
            perClass, classNames, confusion);
    }

    /// <summary>Keys (section.key) of config.yaml that runs of one experiment may differ in.</summary>
    private static readonly HashSet<string> PerRunKeys =
        ["seed", "device", "data.root", "data.list_dir", "data.workers", "data.prefetch", "output", "output.dir"];

    /// <summary>The lines of a config.yaml as the Trainer writes it (one key a line), but those of <see cref="PerRunKeys"/>.</summary>
    private static string[]? ReadSettings(string configFile)
    {
        if (!File.Exists(configFile)) return null;
        string section = "";
        var kept = new List<string>();
        foreach (string line in RunFiles.ReadAllText(configFile).Split('\n').Where(line => line.Trim().Length > 0))
        {
            string key = line.Trim().Split(':')[0];
            if (!line.StartsWith(' ')) section = key;
            if (!PerRunKeys.Contains(line.StartsWith(' ') ? $"{section}.{key}" : key)) kept.Add(line.TrimEnd());
        }
        return kept.ToArray();
    }

    /// <summary>config.yaml's name; else the name metrics.json records; else the directory's name.</summary>
    private static string ReadExperimentName(string directory, JsonFields json, JsonObject root)
    {
        string configFile = Path.Combine(directory, RunFileNames.Config);
        if (File.Exists(configFile))
        {
            var config = ConfigNode.ParseYaml(RunFiles.ReadAllText(configFile), configFile);
            if (config["name"] is ConfigScalar { Value: { Length: > 0 } name }) return name;
        }
        return json.OptionalString(root, "experiment") ?? Path.GetFileName(directory);
    }

    private static long[]? ReadClassCounts(string directory, JsonFields metrics, JsonObject root)
    {
        string file = Path.Combine(directory, RunFileNames.ClassCounts);
        if (File.Exists(file))
        {
            var json = JsonFields.Read(file);
            return json.Integers(json.Root, "class_counts");
        }
        return root.ContainsKey("class_counts") ? metrics.Integers(root["class_counts"], "class_counts") : null;
    }

    private static IReadOnlyList<EpochRecord> ReadEpochs(string file)
    {
        if (!File.Exists(file)) return [];
        var table = CsvTable.Read(file);
        int epoch = table.Column("epoch"), loss = table.Column("train_loss"), accuracy = table.Column("train_accuracy");
        int evalTop1 = table.Column("eval_top1");
        return table.Rows.Select(row => new EpochRecord((int)table.Number(row, epoch), table.Number(row, loss),
            table.Number(row, accuracy), table.OptionalNumber(row, evalTop1))).ToList();
    }

    /// <summary>The last row of sampling_distribution.csv: P(class) learned by the Meta Sampler by the end of training.</summary>
    private static double[]? ReadSamplingDistribution(string file, int classCount)
    {
        if (!File.Exists(file)) return null;
        var table = CsvTable.Read(file);
        if (table.Rows.Count == 0) throw new DataException($"{file} has a header but no rows; expected one row per epoch");
        if (table.Header.Count != classCount + 1)
            throw new DataException($"{file} has {table.Header.Count - 1} class columns, but {RunFileNames.Metrics} has {classCount} classes");
        int[] columns = Enumerable.Range(0, classCount).Select(c => table.Column($"class_{c}")).ToArray();
        var last = table.Rows[^1];
        return columns.Select(column => table.Number(last, column)).ToArray();
    }
}
