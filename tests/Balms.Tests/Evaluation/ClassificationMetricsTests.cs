using Balms.Evaluation;

namespace Balms.Tests.Evaluation;

public class ClassificationMetricsTests
{
    // Three classes: 500 (many), 50 (medium), 5 (few) training images.
    private static readonly long[] Counts = [500, 50, 5];

    private static ClassificationMetrics Compute(int[] labels, int[] predicted, double[]? confidence = null, long[]? counts = null) =>
        ClassificationMetrics.Compute(labels, predicted, confidence ?? labels.Select(_ => 0.9).ToArray(),
            labels.Select(_ => Math.Log(0.5)).ToArray(), counts ?? Counts);

    [Fact]
    public void AccuracyGroupsAndConfusionFromHandMadePredictions()
    {
        int[] labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
        int[] predicted = [0, 0, 0, 1, 1, 1, 0, 0, 2, 0, 0, 0];
        var metrics = Compute(labels, predicted);
        Assert.Equal(6.0 / 12, metrics.Top1, 12);
        Assert.Equal(0.75, metrics.Many);
        Assert.Equal(0.5, metrics.Medium);
        Assert.Equal(0.25, metrics.Few);
        Assert.Equal(new double?[] { 0.75, 0.5, 0.25 }, metrics.PerClass);
        Assert.Equal(new long[] { 3, 1, 0 }, metrics.Confusion[0]);
        Assert.Equal(new long[] { 3, 0, 1 }, metrics.Confusion[2]);
        // F1 per class: c0: tp 3, actual 4, predicted 8 -> 6/12; c1: tp 2, 4, 3 -> 4/7; c2: tp 1, 4, 1 -> 2/5.
        Assert.Equal((0.5 + 4.0 / 7 + 0.4) / 3, metrics.MacroF1, 12);
        Assert.Equal(-Math.Log(0.5), metrics.Nll, 12);
    }

    [Fact]
    public void EmptyShotGroupIsAbsentNotZero()
    {
        var metrics = Compute([0, 1], [0, 1], counts: [500, 200]);
        Assert.Equal(1.0, metrics.Many);
        Assert.Null(metrics.Medium);
        Assert.Null(metrics.Few);
    }

    [Fact]
    public void ShotThresholdsFollowTheOriginal()
    {
        Assert.Equal(ShotGroup.Many, ShotGroups.Of(101));
        Assert.Equal(ShotGroup.Medium, ShotGroups.Of(100));
        Assert.Equal(ShotGroup.Medium, ShotGroups.Of(20));
        Assert.Equal(ShotGroup.Few, ShotGroups.Of(19));
    }

    [Fact]
    public void ExpectedCalibrationErrorOverFifteenBins()
    {
        // Two samples at confidence 0.95 (one right), two at 0.35 (both right):
        // |0.5 - 0.95| * 2/4 + |1 - 0.35| * 2/4.
        var metrics = Compute([0, 0, 1, 1], [0, 1, 1, 1], [0.95, 0.95, 0.35, 0.35]);
        Assert.Equal(0.45 * 0.5 + 0.65 * 0.5, metrics.Ece, 12);
    }

    [Fact]
    public void ABinHoldsItsUpperEdge()
    {
        // Bins are (k/15, (k+1)/15]: 2/15 shares the second bin with 0.1, |1/2 - (2/15 + 0.1)/2|. Were 2/15 in the
        // third bin, ECE would be |1 - 2/15|/2 + |0 - 0.1|/2.
        var metrics = Compute([0, 0], [0, 1], [2.0 / 15, 0.1]);
        Assert.Equal(Math.Abs(0.5 - (2.0 / 15 + 0.1) / 2), metrics.Ece, 12);
    }

    [Fact]
    public void ClassWithoutTestSamplesHasNoAccuracy()
    {
        var metrics = Compute([0, 0], [0, 1]);
        Assert.Null(metrics.PerClass[2]);
        Assert.Equal(0.5, metrics.PerClass[0]);
        Assert.Null(metrics.PerClass[1]);
        // Macro F1 skips class 2, which is neither a label nor a prediction, as sklearn does: class 0 scores
        // 2·1/(2 + 1), class 1 (predicted once, never a label) 0. Counting class 2 as 0 would give 2/9.
        Assert.Equal((2.0 / 3 + 0) / 2, metrics.MacroF1, 12);
    }
}
