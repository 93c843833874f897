using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Balms.Evaluation;

namespace Balms.Reporting;

/// <summary>
/// The files of one run: config.yaml (resolved), log.txt, epochs.csv, metrics.json, train_indices.json,
/// checkpoints/, tensorboard/. Whole-file outputs are written to a temporary file and renamed, so an interruption
/// never leaves a half-written file behind.
/// </summary>
public sealed class RunDirectory
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
    };

    public RunDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path);
            string probe = System.IO.Path.Combine(Path, ".write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BalmsException($"cannot write to the output directory {Path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The directory of a new run. Files an earlier run left there (its log, epochs.csv, sampling distribution,
    /// checkpoints, metrics, TensorBoard events, ...) are set aside in <see cref="RunFileNames.EarlierRun"/>: a run
    /// appends to some of them, and the others would describe a model that is no longer there. The new run discards
    /// them when it finishes (<see cref="DiscardEarlierRun"/>) and puts them back if it fails before its first
    /// checkpoint (<see cref="RestoreEarlierRun"/>). An attempt that never finished does not displace a run already set
    /// aside: its files are deleted instead. Other files are left alone.
    /// </summary>
    /// <param name="replacedEarlierRun">Whether anything was set aside, for the run's log.</param>
    public static RunDirectory Fresh(string path, out bool replacedEarlierRun)
    {
        var run = new RunDirectory(path);
        var current = run.EntriesWrittenByARun().ToList();
        replacedEarlierRun = current.Count > 0;
        if (current.Count == 0) return run;
        if (run.HoldsEarlierRun && !File.Exists(run.MetricsFile))
        {
            // The current files are an attempt that never finished; the run it had set aside stays the one to come back.
            foreach (string name in current) Delete(run.PathOf(name));
            return run;
        }
        run.DiscardEarlierRun();
        var moved = new List<string>();
        try
        {
            foreach (string name in current)
            {
                Move(run.PathOf(name), run.AsideOf(name));
                moved.Add(name);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Half a run set aside would be half lost at the next start: put back what moved, then report.
            foreach (string name in moved) Move(run.AsideOf(name), run.PathOf(name));
            throw;
        }
        return run;
    }

    private string AsideOf(string name) => PathOf(System.IO.Path.Combine(RunFileNames.EarlierRun, name));

    /// <summary>Whether an earlier run's files wait in <see cref="RunFileNames.EarlierRun"/>.</summary>
    public bool HoldsEarlierRun => Directory.Exists(PathOf(RunFileNames.EarlierRun));

    /// <summary>Deletes an earlier run's files set aside by <see cref="Fresh"/>, once this run has replaced them.</summary>
    public void DiscardEarlierRun()
    {
        string aside = PathOf(RunFileNames.EarlierRun);
        if (Directory.Exists(aside)) Directory.Delete(aside, recursive: true);
    }

    /// <summary>Replaces this run's files with the earlier run's set aside by <see cref="Fresh"/>, if any.</summary>
    public void RestoreEarlierRun()
    {
        if (!HoldsEarlierRun) return;
        string aside = PathOf(RunFileNames.EarlierRun);
        foreach (string name in EntriesWrittenByARun().ToList()) Delete(PathOf(name));
        foreach (string name in RunFileNames.WrittenByARun)
            if (System.IO.Path.Exists(AsideOf(name))) Move(AsideOf(name), PathOf(name));
        Directory.Delete(aside, recursive: true);
    }

    private IEnumerable<string> EntriesWrittenByARun() =>
        RunFileNames.WrittenByARun.Where(name => System.IO.Path.Exists(PathOf(name)));

    private static void Move(string from, string to)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to);
    }

    private static void Delete(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    /// <summary>An existing run directory (for --resume); it must hold the run's files already.</summary>
    public static RunDirectory Existing(string path)
    {
        if (!Directory.Exists(path)) throw new BalmsException($"cannot resume: run directory {path} does not exist");
        return new RunDirectory(path);
    }

    public string Path { get; }
    public string CheckpointDirectory => PathOf(RunFileNames.CheckpointDirectory);
    public string LatestCheckpoint => System.IO.Path.Combine(CheckpointDirectory, RunFileNames.LatestCheckpoint);
    public string BestCheckpoint => BestCheckpointIn(Path);

    /// <summary>
    /// The checkpoint a resume continues from: the latest, or when there is none the best, or null. The end of an
    /// epoch writes best first, so when the disk fills up (or the process dies) before latest follows it at the run's
    /// first checkpoint, best is the last complete one.
    /// </summary>
    public string? ResumeCheckpoint =>
        File.Exists(LatestCheckpoint) ? LatestCheckpoint : File.Exists(BestCheckpoint) ? BestCheckpoint : null;
    public string MetricsFile => PathOf(RunFileNames.Metrics);
    public string TensorBoardDirectory => PathOf(RunFileNames.TensorBoardDirectory);
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    private static string BestCheckpointIn(string runDirectory) =>
        System.IO.Path.Combine(runDirectory, RunFileNames.CheckpointDirectory, RunFileNames.BestCheckpoint);

    /// <summary>
    /// The file itself when <paramref name="runDirectoryOrCheckpoint"/> is one, else the run directory's best
    /// checkpoint; null when there is neither. Callers add their own fallbacks and name what they looked for.
    /// </summary>
    public static string? FindCheckpoint(string runDirectoryOrCheckpoint)
    {
        if (File.Exists(runDirectoryOrCheckpoint)) return runDirectoryOrCheckpoint;
        string best = BestCheckpointIn(runDirectoryOrCheckpoint);
        return File.Exists(best) ? best : null;
    }

    public void WriteText(string name, string content) => AtomicFile.WriteText(PathOf(name), content);

    public void WriteJson(string name, object value) => WriteText(name, JsonSerializer.Serialize(value, Json) + "\n");

    public void AppendLog(string line) => Append(RunFileNames.Log, $"{DateTime.Now:yyyy-MM-dd HH:mm:ss} {line}\n");

    public void StartEpochsCsv() =>
        WriteText(RunFileNames.Epochs, "epoch,lr,train_loss,train_accuracy,eval_split,eval_top1,eval_many,eval_medium,eval_few,eval_macro_f1,images_per_s\n");

    public void AppendEpoch(int epoch, double lr, double loss, double accuracy, string? split, ClassificationMetrics? metrics, double imagesPerSecond)
    {
        static string F(double? value) => value?.ToString("G6", CultureInfo.InvariantCulture) ?? "";
        Append(RunFileNames.Epochs, string.Join(",", epoch.ToString(CultureInfo.InvariantCulture), F(lr), F(loss), F(accuracy),
            split ?? "", F(metrics?.Top1), F(metrics?.Many), F(metrics?.Medium), F(metrics?.Few), F(metrics?.MacroF1),
            F(imagesPerSecond)) + "\n");
    }

    /// <summary>Drops epochs.csv rows after <paramref name="epoch"/> (rows of an epoch a resume will run again).</summary>
    public void KeepEpochsUpTo(int epoch) => KeepRowsUpTo(RunFileNames.Epochs, epoch);

    /// <summary>Keeps the header and the rows whose first column (an epoch number) is at most <paramref name="epoch"/>.</summary>
    public void KeepRowsUpTo(string name, int epoch)
    {
        string path = PathOf(name);
        if (!System.IO.File.Exists(path)) return;
        var lines = System.IO.File.ReadAllLines(path);
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(line =>
            int.TryParse(line.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int rowEpoch) && rowEpoch <= epoch));
        WriteText(name, string.Join("\n", kept) + "\n");
    }

    /// <summary>
    /// Appends whole lines only: when the write fails part-way (a full disk), the file is cut back to its previous
    /// length, so log.txt and epochs.csv never end in half a line.
    /// </summary>
    private void Append(string name, string text)
    {
        string path = PathOf(name);
        try
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            long previousLength = stream.Length;
            try
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush();
            }
            catch (IOException)
            {
                stream.SetLength(previousLength);
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WriteException($"cannot write {path}: {AtomicFile.Describe(e)}", e);
        }
    }

    /// <summary>The metrics as metrics.json fields (accuracies as fractions; absent groups as null).</summary>
    public static JsonObject MetricsJson(ClassificationMetrics metrics, IReadOnlyList<string> classNames) => new()
    {
        ["top1"] = metrics.Top1,
        ["many"] = metrics.Many,
        ["medium"] = metrics.Medium,
        ["few"] = metrics.Few,
        ["macro_f1"] = metrics.MacroF1,
        ["ece"] = metrics.Ece,
        ["nll"] = metrics.Nll,
        ["samples"] = metrics.Samples,
        ["per_class"] = new JsonArray(metrics.PerClass.Select(a => (JsonNode?)a).ToArray()),
        ["class_names"] = new JsonArray(classNames.Select(n => (JsonNode?)n).ToArray()),
        ["confusion"] = new JsonArray(metrics.Confusion.Select(row => (JsonNode?)new JsonArray(row.Select(c => (JsonNode?)c).ToArray())).ToArray()),
    };
}
