using System.Text.Json.Nodes;
using Balms.Data;
using Balms.Data.Readers;
using Balms.Reporting;

namespace Balms.Training.Checkpoints;

/// <summary>
/// Checks that a checkpoint fits the data it is about to be evaluated on or to start a stage 2 on. Without these
/// checks a renamed class folder, another data_seed or holdout_fraction, or another image_size gives numbers that
/// look plausible and mean nothing (or count the model's own training images as test images).
/// </summary>
public static class TrainingDataMatch
{
    /// <param name="sameTrainingImages">Also require the checkpoint's run to have trained on the images
    /// <paramref name="data"/> selects (false for a stage 2 that draws its own subset, where the test split is fixed).</param>
    /// <exception cref="BalmsException">The checkpoint has another number of classes or names other classes, reads
    /// images at another size, or its run trained on other images than <paramref name="data"/> selects.</exception>
    public static void Check(WeightsInfo weights, ExperimentData data, bool sameTrainingImages = true)
    {
        string checkpointPath = weights.Path;
        if (weights.ClassCount is { } classCount && classCount != data.ClassCount)
            throw new BalmsException($"{checkpointPath} holds a model for {classCount} classes, but {data.DatasetName} has {data.ClassCount}");
        if (weights.Checkpoint is { } info)
        {
            // Image lists without a class-names file number their classes: that file may come or go, the classes stay.
            bool numbered = Generated(info.ClassNames) || Generated(data.ClassNames);
            if (info.ClassNames.Length > 0 && !numbered && FirstDifference(info.ClassNames, data.ClassNames) is { } differs)
                throw new BalmsException(
                    $"{checkpointPath} was trained on other classes than {data.DatasetName} has: class {differs} is {NameAt(info.ClassNames, differs)} there and {NameAt(data.ClassNames, differs)} here; use the data it was trained on");
            if (info.InputTransform is { } transform && transform != data.TestTransformKey.ToString())
                throw new BalmsException(
                    $"{checkpointPath} was trained on images prepared as {transform}, but this config prepares them as {data.TestTransformKey} (data.image_size?); use the run's own data settings");
        }
        if (sameTrainingImages && TrainIndicesOfItsRun(checkpointPath) is { } trained && !trained.SequenceEqual(data.TrainIndices))
            throw new BalmsException(
                $"{checkpointPath} comes from a run that trained on other images of the data (its {RunFileNames.TrainIndices} differs: another data_seed, holdout_fraction, val_fraction, imbalance_factor, head_class_size or skip_bad_images?), so some of them may be in this run's test split; use the run's own data settings (its {RunFileNames.Config})");
    }

    /// <summary>The training indices recorded beside a checkpoint in its run directory's checkpoints folder, if any.</summary>
    public static int[]? TrainIndicesOfItsRun(string checkpointPath)
    {
        var folder = Directory.GetParent(Path.GetFullPath(checkpointPath));
        if (folder is not { Name: RunFileNames.CheckpointDirectory, Parent: { } run }) return null;
        string file = Path.Combine(run.FullName, RunFileNames.TrainIndices);
        if (!File.Exists(file)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(file))?["indices"]?.AsArray().Select(index => index!.GetValue<int>()).ToArray();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            // A damaged record of the run is no reason to refuse the checkpoint; the check just cannot be made.
            return null;
        }
    }

    private static bool Generated(IReadOnlyList<string> names) => names.SequenceEqual(ImageListBenchmark.GeneratedClassNames(names.Count));

    private static int? FirstDifference(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
            if (i >= a.Count || i >= b.Count || a[i] != b[i]) return i;
        return null;
    }

    private static string NameAt(IReadOnlyList<string> names, int index) => index < names.Count ? $"'{names[index]}'" : "absent";
}
