using System.Globalization;
using Balms.Configuration;
using Balms.Data;
using Balms.Models;
using Balms.Reporting;
using Balms.Sampling;
using Balms.Sampling.Meta;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Training;

/// <summary>
/// BALMS inside the training loop: draws every training batch with the Meta Sampler's current weights, and before
/// each real classifier step makes the meta update on a class-balanced meta batch (an independently drawn
/// long-tailed training subset, sampled one image per class in turn, as the original does for CIFAR).
/// </summary>
internal sealed class MetaSamplerUpdate : IDisposable
{
    private const string DistributionFile = "sampling_distribution.csv";
    private readonly MetaSampler _sampler;
    private readonly IEnumerator<Batch> _metaBatches;
    private readonly double _momentum;
    private readonly double _weightDecay;
    private readonly long[] _classCounts;

    public MetaSamplerUpdate(MetaSamplerOptions options, ExperimentData data, long[] classCounts, ExperimentOptions experiment, Device device)
    {
        var training = experiment.Training;
        _classCounts = classCounts;
        _momentum = training.Optimizer.Momentum;
        _weightDecay = training.Optimizer.WeightDecay;
        _sampler = new MetaSampler(data.Train.Labels, data.ClassCount,
            new MetaSamplerSettings(training.BatchSize, options.InitPow, options.Lr, (ulong)Seeds.Derive(experiment.Seed, MetaNoiseStream)));

        var metaSet = data.MetaSetFactory?.Invoke(Seeds.Derive(experiment.Data.DataSeed, MetaSubsetStream))
                      ?? throw new BalmsException($"{data.DatasetName} defines no meta set for BALMS");
        var metaCounts = metaSet.ClassCounts();
        int missing = Array.IndexOf(metaCounts, 0L);
        if (missing >= 0)
            throw new BalmsException($"the BALMS meta set has no image of class {missing} ({data.ClassNames[missing]}); every class needs at least one");
        var stream = new ClassAwareStream(metaSet.Labels, data.ClassCount, samplesPerClass: 1, Seeds.Random(experiment.Seed, MetaSubsetStream));
        int metaBatchSize = options.MetaBatchSize ?? training.BatchSize;
        var loader = new BatchLoader(metaSet, experiment.Data.Workers, experiment.Data.Prefetch, Seeds.Derive(experiment.Seed, MetaSubsetStream), device);
        // The meta batches do not depend on the sampler's weights, so they are prepared ahead like ordinary batches.
        _metaBatches = loader.Stream(Forever(() => stream.NextBatch(metaBatchSize)), epoch: 0).GetEnumerator();
    }

    // Distinct streams of randomness derived from the run's seeds.
    private const long MetaNoiseStream = 0x6D657461;
    private const long MetaSubsetStream = 0x6D736574;

    /// <summary>The epoch's training batches, each drawn with the current weights and loaded on demand.</summary>
    public IEnumerable<Batch> Batches(BatchLoader trainLoader, int epoch, int steps)
    {
        int step = 0;
        foreach (var indices in _sampler.EpochBatches(epoch).Take(steps))
            yield return trainLoader.Load(indices, epoch, step++);
    }

    /// <summary>
    /// The meta update for <paramref name="batch"/>; returns the batch's frozen features for the real step. (The
    /// original computes them twice; with BatchNorm in train mode both forwards give the same output, so one suffices.
    /// BatchNorm's running statistics therefore see each training batch once instead of twice.)
    /// </summary>
    public Tensor Update(LongTailModel model, SgdMomentum optimizer, Batch batch, double learningRate, out double metaLoss)
    {
        Tensor features, metaFeatures;
        _metaBatches.MoveNext();
        using var metaBatch = _metaBatches.Current;
        using (torch.no_grad())
        {
            features = model.Backbone.call(batch.Images);
            metaFeatures = model.Backbone.call(metaBatch.Images);
        }
        var head = model.Head.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var classifier = new LinearClassifierSnapshot(head["fc.weight"].detach(), head["fc.bias"].detach(), learningRate,
            optimizer.MomentumOf("classifier", "fc.weight"), optimizer.MomentumOf("classifier", "fc.bias"), _momentum, _weightDecay);
        metaLoss = _sampler.Update(classifier, features, new MetaBatch(metaFeatures, metaBatch.Labels));
        return features;
    }

    /// <summary>Appends the learned class distribution to sampling_distribution.csv and TensorBoard.</summary>
    public void LogDistribution(int epoch, RunDirectory run, SummaryWriter tensorboard)
    {
        double[] probabilities = _sampler.Weights.ClassProbabilities();
        if (!File.Exists(run.PathOf(DistributionFile)))
            run.WriteText(DistributionFile, "epoch," + string.Join(",", Enumerable.Range(0, probabilities.Length).Select(c => $"class_{c}")) + "\n");
        File.AppendAllText(run.PathOf(DistributionFile),
            epoch.ToString(CultureInfo.InvariantCulture) + "," + string.Join(",", probabilities.Select(p => p.ToString("G6", CultureInfo.InvariantCulture))) + "\n");
        int stride = Math.Max(1, probabilities.Length / 10);
        for (int c = 0; c < probabilities.Length; c += stride)
            tensorboard.add_scalar($"sampler/p_class_{c}", (float)probabilities[c], epoch);
    }

    public double[] ClassProbabilities() => _sampler.Weights.ClassProbabilities();

    /// <summary>The sampler's state for checkpoints: weights and Adam moments.</summary>
    public Dictionary<string, Tensor> State()
    {
        var state = _sampler.Weights.GetState();
        return new Dictionary<string, Tensor>
        {
            ["sampler.logits"] = torch.tensor(state.Logits),
            ["sampler.adam_first_moment"] = torch.tensor(state.AdamFirstMoment),
            ["sampler.adam_second_moment"] = torch.tensor(state.AdamSecondMoment),
            ["sampler.adam_step"] = torch.tensor(new[] { state.AdamStep }),
        };
    }

    private static IEnumerable<int[]> Forever(Func<int[]> next)
    {
        while (true) yield return next();
    }

    public void Dispose()
    {
        _metaBatches.Dispose();
        _sampler.Dispose();
    }
}
