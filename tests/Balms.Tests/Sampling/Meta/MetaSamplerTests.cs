using Balms.Losses;
using Balms.Sampling.Meta;
using TorchSharp;
using static Balms.Tests.Fixtures.Numeric;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

public class MetaSamplerTests
{
    private static readonly int[] Labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 0, 1, 2, 0, 0, 0];

    private static MetaSampler NewSampler(int batchSize = 4, ulong seed = 9) =>
        new(Labels, numClasses: 3, new MetaSamplerSettings(batchSize, InitPow: 0, LearningRate: 0.05, seed));

    [Fact]
    public void EpochHasFloorNOverBBatchesOfExactlyB()
    {
        using var sampler = NewSampler(batchSize: 4);

        var batches = sampler.EpochBatches(0).ToList();

        Assert.Equal(17 / 4, sampler.BatchesPerEpoch);
        Assert.Equal(sampler.BatchesPerEpoch, batches.Count);
        Assert.All(batches, batch => Assert.Equal(4, batch.Length));
        Assert.All(batches.SelectMany(b => b), i => Assert.InRange(i, 0, Labels.Length - 1));
    }

    [Fact]
    public void BatchesAreReproducibleForASeedAndEpoch()
    {
        using var first = NewSampler(seed: 9);
        using var second = NewSampler(seed: 9);
        using var otherSeed = NewSampler(seed: 10);

        var epochOne = first.EpochBatches(1).SelectMany(b => b).ToArray();

        Assert.Equal(epochOne, second.EpochBatches(1).SelectMany(b => b));
        Assert.NotEqual(epochOne, first.EpochBatches(2).SelectMany(b => b));
        Assert.NotEqual(epochOne, otherSeed.EpochBatches(1).SelectMany(b => b));
    }

    [Fact]
    public void EachBatchIsDrawnWithTheCurrentWeights()
    {
        using var sampler = NewSampler(batchSize: 8);
        using var batches = sampler.EpochBatches(0).GetEnumerator();
        Assert.True(batches.MoveNext());
        Assert.Equal(sampler.PendingDraw!.Indices, batches.Current);
        Assert.True(batches.Current.Select(i => Labels[i]).Distinct().Count() > 1);

        // Mid-epoch, make class 2 the only one with real weight: the very next batch must follow.
        sampler.Weights.LoadState(new MetaSamplerState([-40, -40, 40], new double[3], new double[3], 0), "test");
        Assert.True(batches.MoveNext());

        Assert.All(batches.Current, i => Assert.Equal(2, Labels[i]));
        Assert.Equal(batches.Current.Select(i => Labels[i]), sampler.PendingDraw!.Labels);
    }

    [Fact]
    public void UpdateTakesOneAdamStepAlongTheMetaGradientAndConsumesTheDraw()
    {
        using var scope = NewDisposeScope();
        using var sampler = NewSampler(batchSize: 4);
        var random = new Random(1);
        var classifier = new LinearClassifierSnapshot(RandomTensor(random, 3, 2), RandomTensor(random, 3), LearningRate: 0.5);
        var meta = new MetaBatch(RandomTensor(random, 6, 2), tensor(new long[] { 0, 1, 2, 0, 1, 2 }));
        var batch = sampler.EpochBatches(0).First();
        var trainFeatures = RandomTensor(random, batch.Length, 2);
        var before = sampler.Weights.LogitValues();
        using var loss = new BalancedSoftmax(sampler.Weights.ClassCounts.ToArray());
        var (expectedLoss, gradient) = MetaGradient.Compute(sampler.Weights.Logits, sampler.PendingDraw!, trainFeatures,
            loss, classifier, meta);

        double metaLoss = sampler.Update(classifier, trainFeatures, meta, loss);

        Assert.Equal(expectedLoss, metaLoss, 1e-12);
        var after = sampler.Weights.LogitValues();
        // A first Adam step has bias-corrected moments m̂ = g and √v̂ = |g|: Δw = −lr·g / (|g| + eps).
        for (int c = 0; c < 3; c++)
            Assert.Equal(-0.05 * gradient[c] / (Math.Abs(gradient[c]) + 1e-8), after[c] - before[c], 1e-12);
        Assert.Null(sampler.PendingDraw);
        Assert.Throws<InvalidOperationException>(() => sampler.Update(classifier, trainFeatures, meta, loss));
    }

    [Fact]
    public void RejectsBadConfiguration()
    {
        var options = new MetaSamplerSettings(BatchSize: 4, InitPow: 0, LearningRate: 0.01, Seed: 0);
        Assert.Contains("label 3", Assert.Throws<BalmsException>(() => new MetaSampler([0, 1, 3, 2], 3, options)).Message);
        Assert.Throws<BalmsException>(() => new MetaSampler([0, 1, 2], 3, options));
        Assert.Throws<BalmsException>(() => new MetaSampler([0, 0, 2, 2, 0], 3, options));
        Assert.Throws<BalmsException>(() => new MetaSampler(Labels, 3, options with { LearningRate = 0 }));
    }
}
