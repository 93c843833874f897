using Balms.Models;
using TorchSharp;
using TorchSharp.Modules;
using static Balms.Tests.Fixtures.Numeric;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

/// <summary>Replaying a recorded BatchNorm update against really running the same batch through the backbone again.</summary>
public class BatchNormUpdateTests
{
    [Fact]
    public void ReplayEqualsASecondForwardOfTheSameBatch()
    {
        var (x, meta) = Batches();
        using var reference = Backbone();
        using var replayed = Backbone();

        using (no_grad())
        {
            reference.call(x).Dispose();
            reference.call(meta).Dispose();
            reference.call(x).Dispose();
        }
        using (var update = BatchNormUpdate.Record(replayed, () => { using (no_grad()) replayed.call(x).Dispose(); }))
        {
            using (no_grad()) replayed.call(meta).Dispose();
            update.ApplyAgain();
        }

        foreach (var (expected, actual) in Statistics(reference).Zip(Statistics(replayed)))
            AssertClose(Values(expected), Values(actual), 1e-6);
        Assert.Equal(Counts(reference), Counts(replayed));
        Assert.All(Counts(replayed), count => Assert.Equal(3, count));
    }

    [Fact]
    public void TheOrderOfTheUpdatesMattersSoTheReplayIsNeeded()
    {
        var (x, meta) = Batches();
        using var trainMetaTrain = Backbone();
        using var trainMeta = Backbone();
        using (no_grad())
        {
            foreach (var images in new[] { x, meta, x }) trainMetaTrain.call(images).Dispose();
            foreach (var images in new[] { x, meta }) trainMeta.call(images).Dispose();
        }

        double largest = Statistics(trainMetaTrain).Zip(Statistics(trainMeta))
            .Max(pair => Values(pair.First).Zip(Values(pair.Second)).Max(v => Math.Abs(v.First - v.Second)));
        Assert.True(largest > 1e-2, $"the running statistics barely depend on the last pass ({largest}); the test would prove nothing");
    }

    [Fact]
    public void InEvalModeNothingIsRecordedOrReplayed()
    {
        var (x, _) = Batches();
        using var backbone = Backbone();
        backbone.eval();
        var before = Statistics(backbone).Select(Values).ToList();

        using (var update = BatchNormUpdate.Record(backbone, () => { using (no_grad()) backbone.call(x).Dispose(); }))
            update.ApplyAgain();

        foreach (var (expected, actual) in before.Zip(Statistics(backbone)))
            Assert.Equal(expected, Values(actual));
        Assert.All(Counts(backbone), count => Assert.Equal(0, count));
    }

    // Two batches of clearly different statistics: the meta batch brighter and more spread out.
    private static (Tensor Train, Tensor Meta) Batches()
    {
        var random = new Random(7);
        return (RandomTensor(random, 6, 1, 16, 16).to(float32), (3 * RandomTensor(random, 4, 1, 16, 16) + 1).to(float32));
    }

    private static ResNet32 Backbone()
    {
        torch.manual_seed(11);
        var backbone = new ResNet32(inputChannels: 1);
        backbone.train();
        return backbone;
    }

    private static IEnumerable<Tensor> Statistics(nn.Module module) =>
        module.modules().OfType<BatchNorm>().SelectMany(layer => new[] { layer.running_mean, layer.running_var });

    private static long[] Counts(nn.Module module) =>
        module.modules().OfType<BatchNorm>().Select(layer => layer.num_batches_tracked.item<long>()).ToArray();
}
