using Balms.Reporting;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Reporting;

public class ExperimentSummaryTests : IDisposable
{
    private static readonly FakeRuns.Metrics Metrics = new(0.5, 0.6, 0.4, null, 0.45, 0.1, 1.0);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private RunResults Run(string name, string experiment, double[]? sampling = null, string confusion = "[[9, 1, 0], [3, 6, 1], [2, 5, 3]]",
        string classCounts = "[120, 40, 10]") =>
        RunResultsReader.Read(FakeRuns.Write(_temp.Path, name, experiment, Metrics, sampling, confusion, classCounts));

    [Fact]
    public void FiguresPoolTheConfusionCountsAndAverageTheSamplerAcrossSeeds()
    {
        var runs = new[]
        {
            Run("a", "balms", [0.5, 0.3, 0.2], "[[9, 1, 0], [3, 6, 1], [2, 5, 3]]"),
            Run("b", "balms", [0.3, 0.3, 0.4], "[[7, 2, 1], [0, 10, 0], [1, 1, 8]]"),
            Run("c", "softmax"),
        };

        var experiments = ExperimentSummary.Group(runs);

        Assert.Equal(["balms", "softmax"], experiments.Select(e => e.Experiment));
        var balms = experiments[0];
        Assert.Equal([[16L, 3, 1], [3, 16, 1], [3, 6, 11]], balms.PooledConfusion.Select(row => row.ToArray()));
        Assert.Equal(3, balms.MeanSamplingDistribution!.Count);
        Assert.Equal([0.4, 0.3, 0.3], balms.MeanSamplingDistribution.Select(p => Math.Round(p, 12)));
        Assert.Null(experiments[1].MeanSamplingDistribution);
        Assert.Equal([[9L, 1, 0], [3, 6, 1], [2, 5, 3]], experiments[1].PooledConfusion.Select(row => row.ToArray()));
    }

    [Fact]
    public void RunsOfOneExperimentWithOtherClassCountsAreRefusedNamingBoth()
    {
        var first = Run("if200", "softmax");
        var second = Run("if10", "softmax", classCounts: "[120, 60, 12]");

        var error = Assert.Throws<BalmsException>(() => ExperimentSummary.Group([first, second]));

        Assert.Contains(first.Directory, error.Message);
        Assert.Contains(second.Directory, error.Message);
        Assert.Contains("'softmax'", error.Message);
    }
}
