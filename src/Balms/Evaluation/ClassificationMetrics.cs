namespace Balms.Evaluation;

/// <summary>
/// Metrics of one evaluation. Accuracies are fractions in [0, 1]; a shot group without classes is null (absent),
/// not 0; a class without test samples has a null per-class accuracy.
/// </summary>
public sealed record ClassificationMetrics
{
    public required int Samples { get; init; }
    public required double Top1 { get; init; }
    public required double? Many { get; init; }
    public required double? Medium { get; init; }
    public required double? Few { get; init; }
    public required double?[] PerClass { get; init; }
    public required double MacroF1 { get; init; }
    /// <summary>Expected calibration error of the top-1 confidence, 15 equal-width bins.</summary>
    public required double Ece { get; init; }
    /// <summary>Mean negative log-likelihood of the true class.</summary>
    public required double Nll { get; init; }
    /// <summary>confusion[true][predicted] counts.</summary>
    public required long[][] Confusion { get; init; }

    public const int CalibrationBins = 15;

    /// <param name="predicted">argmax class per sample.</param>
    /// <param name="confidence">max softmax probability per sample.</param>
    /// <param name="trueClassLogProbability">log softmax probability of the true class per sample.</param>
    /// <param name="trainingCounts">training images per class (for the shot groups).</param>
    public static ClassificationMetrics Compute(IReadOnlyList<int> labels, IReadOnlyList<int> predicted,
        IReadOnlyList<double> confidence, IReadOnlyList<double> trueClassLogProbability, IReadOnlyList<long> trainingCounts)
    {
        int classCount = trainingCounts.Count;
        int n = labels.Count;
        if (n == 0) throw new BalmsException("cannot evaluate on an empty test set");
        var confusion = Enumerable.Range(0, classCount).Select(_ => new long[classCount]).ToArray();
        long correct = 0;
        double nll = 0;
        for (int i = 0; i < n; i++)
        {
            confusion[labels[i]][predicted[i]]++;
            if (labels[i] == predicted[i]) correct++;
            nll -= trueClassLogProbability[i];
        }

        var perClass = new double?[classCount];
        for (int c = 0; c < classCount; c++)
        {
            long support = confusion[c].Sum();
            perClass[c] = support == 0 ? null : (double)confusion[c][c] / support;
        }

        return new ClassificationMetrics
        {
            Samples = n,
            Top1 = (double)correct / n,
            Many = GroupMean(perClass, trainingCounts, ShotGroup.Many),
            Medium = GroupMean(perClass, trainingCounts, ShotGroup.Medium),
            Few = GroupMean(perClass, trainingCounts, ShotGroup.Few),
            PerClass = perClass,
            MacroF1 = MacroAveragedF1(confusion),
            Ece = ExpectedCalibrationError(labels, predicted, confidence),
            Nll = nll / n,
            Confusion = confusion,
        };
    }

    private static double? GroupMean(double?[] perClass, IReadOnlyList<long> trainingCounts, ShotGroup group)
    {
        var members = Enumerable.Range(0, perClass.Length)
            .Where(c => perClass[c] is not null && ShotGroups.Of(trainingCounts[c]) == group)
            .Select(c => perClass[c]!.Value)
            .ToList();
        return members.Count == 0 ? null : members.Average();
    }

    /// <summary>As sklearn's f1_score(average='macro'): over classes that occur in the labels or predictions, 0 when undefined.</summary>
    private static double MacroAveragedF1(long[][] confusion)
    {
        int classCount = confusion.Length;
        var scores = new List<double>();
        for (int c = 0; c < classCount; c++)
        {
            long truePositive = confusion[c][c];
            long actual = confusion[c].Sum();
            long predictedAs = Enumerable.Range(0, classCount).Sum(t => confusion[t][c]);
            if (actual == 0 && predictedAs == 0) continue;
            scores.Add(actual + predictedAs == 0 ? 0 : 2.0 * truePositive / (actual + predictedAs));
        }
        return scores.Count == 0 ? 0 : scores.Average();
    }

    private static double ExpectedCalibrationError(IReadOnlyList<int> labels, IReadOnlyList<int> predicted,
        IReadOnlyList<double> confidence)
    {
        var count = new long[CalibrationBins];
        var hits = new double[CalibrationBins];
        var confidenceSum = new double[CalibrationBins];
        for (int i = 0; i < labels.Count; i++)
        {
            // Bins are (k/15, (k+1)/15]; a confidence of exactly 0 cannot occur for a softmax maximum.
            int bin = Math.Clamp((int)Math.Ceiling(confidence[i] * CalibrationBins) - 1, 0, CalibrationBins - 1);
            count[bin]++;
            confidenceSum[bin] += confidence[i];
            if (labels[i] == predicted[i]) hits[bin]++;
        }
        double ece = 0;
        for (int b = 0; b < CalibrationBins; b++)
            if (count[b] > 0)
                ece += Math.Abs(hits[b] / count[b] - confidenceSum[b] / count[b]) * count[b] / labels.Count;
        return ece;
    }
}
