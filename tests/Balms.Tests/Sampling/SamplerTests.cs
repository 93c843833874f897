using Balms.Sampling;

namespace Balms.Tests.Sampling;

public class SamplerTests
{
    [Fact]
    public void InstanceSamplerVisitsEachSampleAtMostOnceAndDropsTheLastPartialBatch()
    {
        var sampler = new InstanceSampler(sampleCount: 23, batchSize: 5, seed: 1);
        var batches = sampler.EpochBatches(0).ToList();
        Assert.Equal(4, batches.Count);
        Assert.Equal(5, sampler.LoaderLength);
        var seen = batches.SelectMany(b => b).ToList();
        Assert.Equal(20, seen.Distinct().Count());
        Assert.NotEqual(sampler.EpochBatches(0).First(), sampler.EpochBatches(1).First());
        Assert.Equal(sampler.EpochBatches(3).First(), new InstanceSampler(23, 5, 1).EpochBatches(3).First());
    }

    [Fact]
    public void ClassAwareStreamVisitsClassesRoundRobin()
    {
        // 3 classes with 10 / 3 / 1 samples.
        int[] labels = [.. Enumerable.Repeat(0, 10), .. Enumerable.Repeat(1, 3), 2];
        var stream = new ClassAwareStream(labels, 3, samplesPerClass: 1, new Random(4));
        var drawn = stream.NextBatch(30).Select(i => labels[i]).ToArray();
        for (int round = 0; round < 10; round++)
            Assert.Equal(new[] { 0, 1, 2 }, drawn.Skip(3 * round).Take(3).Order().ToArray());
    }

    [Fact]
    public void ClassAwareStreamTakesConsecutiveSamplesOfAClassAndCyclesItsMembers()
    {
        int[] labels = [0, 0, 0, 1, 1];
        var stream = new ClassAwareStream(labels, 2, samplesPerClass: 2, new Random(2));
        var drawn = stream.NextBatch(12);
        for (int pair = 0; pair < 6; pair++)
            Assert.Equal(labels[drawn[2 * pair]], labels[drawn[2 * pair + 1]]);
        var ofClassOne = drawn.Where(i => labels[i] == 1).ToArray();
        // Each wrap of a class's cycle visits all of its members once.
        Assert.Equal(new[] { 3, 4 }, ofClassOne.Take(2).Order().ToArray());
    }

    [Fact]
    public void ClassAwareSamplerStopsAfterFloorNOverBBatchesOfItsNominalEpoch()
    {
        // 14 samples, classes of 10 / 3 / 1. Nominal epoch 10 x 3 = 30 samples: PyTorch's len(loader) = ceil(30 / 4) = 8,
        // which sets the schedule's epochs-from-iterations; the original trains floor(14 / 4) = 3 batches of it.
        int[] labels = [.. Enumerable.Repeat(0, 10), .. Enumerable.Repeat(1, 3), 2];
        var sampler = new ClassAwareSampler(labels, 3, samplesPerClass: 1, batchSize: 4, seed: 5);

        Assert.Equal(8, sampler.LoaderLength);
        Assert.Equal(3, sampler.BatchesPerEpoch);
        var epoch = sampler.EpochBatches(2).ToList();
        Assert.Equal(3, epoch.Count);
        Assert.All(epoch, batch => Assert.Equal(4, batch.Length));
        // Class-balanced: 12 samples in classes round-robin = 4 of each, whatever the class sizes.
        Assert.All(epoch.SelectMany(b => b).GroupBy(i => labels[i]), group => Assert.Equal(4, group.Count()));
        // Rebuilt identically for a resume; another epoch draws another order.
        Assert.Equal(epoch, new ClassAwareSampler(labels, 3, 1, 4, seed: 5).EpochBatches(2).ToList());
        Assert.NotEqual(epoch, sampler.EpochBatches(3).ToList());
    }

    [Fact]
    public void ClassAwareSamplerNeedsEveryClass()
    {
        var error = Assert.Throws<BalmsException>(() => new ClassAwareStream([0, 0, 2], 3, 1, new Random(0)));
        Assert.Contains("class 1", error.Message);
    }

    [Fact]
    public void DerivedSeedsAreStableAndDistinct()
    {
        Assert.Equal(Seeds.Derive(7, 1, 2, 3), Seeds.Derive(7, 1, 2, 3));
        Assert.NotEqual(Seeds.Derive(7, 1, 2, 3), Seeds.Derive(7, 1, 3, 2));
        Assert.NotEqual(Seeds.Derive(7, 1), Seeds.Derive(8, 1));
    }
}
