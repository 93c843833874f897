using Balms.Data;
using Balms.Inference;
using Balms.Tests.Data.LongTail;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Inference;

public class LabelShiftedTestSetTests
{
    // Training counts rank the classes 0 (100), 2 (50), 1 (10); weights IF^(-r/2) = 1, 1/2, 1/4 at IF 4.
    private static readonly long[] TrainCounts = [100, 10, 50];
    private static readonly long[] TestCounts = [20, 20, 20];

    [Fact]
    public void ForwardFollowsTheTrainingOrder() =>
        Assert.Equal([20, 5, 10], LabelShiftedTestSet.Counts("forward:4", TrainCounts, TestCounts));

    [Fact]
    public void BackwardReversesIt() =>
        Assert.Equal([5, 20, 10], LabelShiftedTestSet.Counts("backward:4", TrainCounts, TestCounts));

    [Fact]
    public void TiedTrainingCountsRankByClassId() =>
        // Class 1 first; classes 0 and 2 tie at 50, so class 0 takes rank 1 (weight 1/2) and class 2 rank 2 (1/4).
        Assert.Equal([10, 20, 5], LabelShiftedTestSet.Counts("forward:4", [50L, 100, 50], TestCounts));

    [Fact]
    public void TheSmallestTestClassSetsTheScaleAndEveryClassKeepsOneImage() =>
        // m = 3: floor(3 * [1, 1/100, 1/10]) = [3, 0, 0] -> at least 1.
        Assert.Equal([3, 1, 1], LabelShiftedTestSet.Counts("forward:100", TrainCounts, [3L, 9, 9]));

    [Fact]
    public void AFileGivesPerClassWeights()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("test-prior.json");
        File.WriteAllText(file, "[1, 0, 2]");

        Assert.Equal([10, 0, 20], LabelShiftedTestSet.Counts(file, TrainCounts, TestCounts));
    }

    [Theory]
    [InlineData("forward")]
    [InlineData("forward:0.5")]
    [InlineData("sideways:4")]
    public void MalformedSpecsAreRejected(string spec) =>
        Assert.Throws<BalmsException>(() => LabelShiftedTestSet.Counts(spec, TrainCounts, TestCounts));

    [Fact]
    public void TheDrawKeepsTheCountsAndDependsOnTheSeed()
    {
        var test = new ImageDataset(new LabelOnlySource(Enumerable.Range(0, 30).Select(i => i % 3).ToArray(), 3),
            Balms.Data.Transforms.ImageTransforms.Test(Balms.Data.Transforms.TestTransformKey.Cifar));

        var drawn = LabelShiftedTestSet.Draw(test, [10, 2, 5], seed: 1);

        Assert.Equal([10L, 2, 5], drawn.ClassCounts());
        IEnumerable<string> Images(ImageDataset set) => Enumerable.Range(0, set.Count).Select(set.Source.Describe);
        Assert.Equal(Images(drawn), Images(LabelShiftedTestSet.Draw(test, [10, 2, 5], seed: 1)));
        Assert.NotEqual(Images(drawn), Images(LabelShiftedTestSet.Draw(test, [10, 2, 5], seed: 2)));
    }
}
