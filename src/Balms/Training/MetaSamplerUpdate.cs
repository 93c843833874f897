using System.Globalization;
using Balms.Configuration;
using Balms.Data;
using Balms.Evaluation;
using Balms.Losses;
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
/// long-tailed training subset, sampled one image per class in turn, as the original does for CIFAR). With
/// sampler.cache_meta_features the meta set's features are computed once (see <see cref="PrepareMetaSet"/>) and the
/// meta batches are rows of them.
/// </summary>
internal sealed class MetaSamplerUpdate : IDisposable
{
    private readonly MetaSampler _sampler;
    private readonly BatchLoader _metaLoader;
    private readonly ImageDataset _metaSet;
    private readonly int _metaBatchSize;
    private readonly int _seed;
    private readonly bool _cacheFeatures;
    /// <summary>The whole meta set's features and labels, when they are computed once.</summary>
    private MetaBatch? _metaSetFeatures;
    // One of the two streams of the current epoch: loaded meta images, or rows of the cached features.
    private IEnumerator<Batch>? _loadedMetaBatches;
    private IEnumerator<int[]>? _cachedMetaRows;
    private readonly double _momentum;
    private readonly double _weightDecay;

    public MetaSamplerUpdate(MetaSamplerOptions options, ExperimentData data, ExperimentOptions experiment, Device device)
    {
        var training = experiment.Training;
        _momentum = training.Optimizer.Momentum;
        _weightDecay = training.Optimizer.WeightDecay;
        _sampler = new MetaSampler(data.Train.Labels, data.ClassCount,
            new MetaSamplerSettings(training.BatchSize, options.InitPow, options.Lr, (ulong)Seeds.Derive(experiment.Seed, MetaNoiseStream)));

        var metaSet = data.MetaSetFactory?.Invoke(Seeds.Derive(experiment.Data.DataSeed, MetaSubsetStream))
                      ?? throw new BalmsException($"{data.DatasetName} defines no meta set for BALMS");
        var metaCounts = metaSet.ClassCounts();
        int missing = Array.IndexOf(metaCounts, 0L);
        if (missing >= 0)
            throw new BalmsException($"the BALMS meta set has no image of class {missing} ({data.ClassNames[missing]}); every class needs at least one" +
                (data.Validation is null ? "" : $": the meta set is the val split, so give {data.ClassNames[missing]} val images (or train without a val split, and the meta set is drawn from the training images)"));
        _cacheFeatures = options.CacheMetaFeatures;
        // Features computed once must not depend on a random augmentation.
        _metaSet = _cacheFeatures ? metaSet with { Transform = data.Test.Transform } : metaSet;
        _metaBatchSize = options.MetaBatchSize ?? training.BatchSize;
        _seed = Seeds.Derive(experiment.Seed, MetaSubsetStream);
        _metaLoader = new BatchLoader(_metaSet, experiment.Data.Workers, experiment.Data.Prefetch, _seed, device);
    }

    // Distinct streams of randomness derived from the run's seeds.
    private const long MetaNoiseStream = 0x6D657461;
    private const long MetaSubsetStream = 0x6D736574;

    /// <summary>
    /// With sampler.cache_meta_features: passes the whole meta set once through the frozen backbone (BatchNorm in
    /// eval mode, as the stage will run it) and keeps the features. Does nothing otherwise. Returns false when
    /// <paramref name="cancellation"/> stopped it (nothing is kept then).
    /// </summary>
    public bool PrepareMetaSet(LongTailModel model, IPassObserver observer, Action<string> log, CancellationToken cancellation)
    {
        if (!_cacheFeatures) return true;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int count = _metaSet.Count;
        bool wasTraining = model.Backbone.training;
        model.Backbone.eval();
        observer.PassStarted("computing the BALMS meta set's features", count);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var parts = new List<Tensor>();
            int done = 0;
            foreach (var batch in _metaLoader.Stream(BatchLoader.Sequential(count, Evaluator.BatchSize), epoch: 0, cancellation: cancellation))
                using (batch)
                {
                    parts.Add(model.Backbone.call(batch.Images));
                    observer.PassProgress(done += batch.Size);
                }
            if (cancellation.IsCancellationRequested) return false;
            var labels = torch.tensor(_metaSet.Labels.Select(label => (long)label).ToArray(), device: parts[0].device);
            _metaSetFeatures = new MetaBatch(torch.cat(parts, 0).DetachFromDisposeScope(), labels.DetachFromDisposeScope());
        }
        finally
        {
            model.Backbone.train(wasTraining);
        }
        log($"BALMS meta set: features of its {count} images (no augmentation) computed once in {watch.Elapsed.TotalSeconds:F1} s");
        return true;
    }

    /// <summary>
    /// The epoch's training batches from <paramref name="firstStep"/> to <paramref name="steps"/>, each drawn with the
    /// current weights and loaded on demand. The epoch's meta batches (one class-balanced stream per epoch, which does
    /// not depend on the weights) are prepared ahead on the loader's threads.
    /// </summary>
    public IEnumerable<Batch> Batches(BatchLoader trainLoader, int epoch, int firstStep, int steps)
    {
        _loadedMetaBatches?.Dispose();
        _cachedMetaRows?.Dispose();
        var metaIndexBatches = MetaIndexBatches(epoch, firstStep, steps);
        if (_metaSetFeatures is null) _loadedMetaBatches = _metaLoader.Stream(metaIndexBatches, epoch, firstStep).GetEnumerator();
        else _cachedMetaRows = metaIndexBatches.GetEnumerator();
        int step = firstStep;
        foreach (var indices in _sampler.EpochBatches(epoch, firstStep).Take(steps - firstStep))
            yield return trainLoader.Load(indices, epoch, step++);
    }

    /// <summary>
    /// The epoch's meta batches from <paramref name="firstStep"/> on. The skipped ones are still drawn: the stream's
    /// randomness must advance exactly as in an uninterrupted epoch.
    /// </summary>
    private IEnumerable<int[]> MetaIndexBatches(int epoch, int firstStep, int steps)
    {
        var stream = new ClassAwareStream(_metaSet.Labels, _metaSet.ClassCount, samplesPerClass: 1, Seeds.Random(_seed, epoch));
        for (int step = 0; step < steps; step++)
        {
            int[] batch = stream.NextBatch(_metaBatchSize);
            if (step >= firstStep) yield return batch;
        }
    }

    /// <summary>
    /// The meta update for <paramref name="batch"/>, with the stage's <paramref name="loss"/> in the virtual step;
    /// returns the batch's frozen features for the real step. The original passes three batches through the backbone
    /// (in train mode): the training batch for the virtual step, the meta batch, and the training batch again for the
    /// real step, so BatchNorm's running statistics move train, meta, train and every step ends on a training batch.
    /// The third pass would give the features of the first again, so instead of running it the first pass's update of
    /// the running statistics is made again (<see cref="BatchNormUpdate"/>).
    /// </summary>
    public Tensor Update(LongTailModel model, SgdMomentum optimizer, Batch batch, double learningRate, LongTailLoss loss, out double metaLoss)
    {
        var linear = model.Head as LinearClassifier
                     ?? throw new BalmsException($"the Meta Sampler's virtual step needs the linear classifier head, not {model.Head.GetType().Name}");
        Tensor? features = null;
        using var trainingBatchUpdate = BatchNormUpdate.Record(model.Backbone, () => features = FrozenFeatures(model, batch.Images));
        var metaBatch = NextMetaBatch(model);
        var classifier = new LinearClassifierSnapshot(linear.Weight.detach(), linear.Bias.detach(), learningRate,
            optimizer.MomentumOf("classifier", "fc.weight"), optimizer.MomentumOf("classifier", "fc.bias"), _momentum, _weightDecay);
        metaLoss = _sampler.Update(classifier, features!, metaBatch, loss);
        trainingBatchUpdate.ApplyAgain();
        return features!;
    }

    private static Tensor FrozenFeatures(LongTailModel model, Tensor images)
    {
        using var noGrad = torch.no_grad();
        return model.Backbone.call(images);
    }

    /// <summary>The step's meta batch. Its tensors belong to the caller's dispose scope (the training step's).</summary>
    private MetaBatch NextMetaBatch(LongTailModel model)
    {
        if (_metaSetFeatures is { } cached)
        {
            var rows = torch.tensor(Next(_cachedMetaRows).Select(index => (long)index).ToArray(), device: cached.Features.device);
            return new MetaBatch(cached.Features.index_select(0, rows), cached.Labels.index_select(0, rows));
        }
        var loaded = Next(_loadedMetaBatches);
        // The images go as soon as their features exist (at meta batch 512 of 224x224 images they hold 300 MB).
        using (loaded.Images) return new MetaBatch(FrozenFeatures(model, loaded.Images), loaded.Labels);
    }

    private static T Next<T>(IEnumerator<T>? stream) => stream is not null && stream.MoveNext()
        ? stream.Current
        : throw new InvalidOperationException("meta batches are drawn alongside Batches(): one per training batch");

    /// <summary>Appends the learned class distribution to sampling_distribution.csv and TensorBoard.</summary>
    public void LogDistribution(int epoch, RunDirectory run, SummaryWriter tensorboard)
    {
        double[] probabilities = _sampler.Weights.ClassProbabilities();
        if (!File.Exists(run.PathOf(RunFileNames.SamplingDistribution)))
            run.WriteText(RunFileNames.SamplingDistribution, "epoch," + string.Join(",", Enumerable.Range(0, probabilities.Length).Select(c => $"class_{c}")) + "\n");
        File.AppendAllText(run.PathOf(RunFileNames.SamplingDistribution),
            epoch.ToString(CultureInfo.InvariantCulture) + "," + string.Join(",", probabilities.Select(p => p.ToString("R", CultureInfo.InvariantCulture))) + "\n");
        int stride = Math.Max(1, probabilities.Length / 10);
        for (int c = 0; c < probabilities.Length; c += stride)
            tensorboard.add_scalar($"sampler/p_class_{c}", (float)probabilities[c], epoch);
    }

    public double[] ClassProbabilities() => _sampler.Weights.ClassProbabilities();

    /// <summary>On resume: drops sampling_distribution.csv rows of epochs that will run again.</summary>
    public void KeepDistributionUpTo(int epoch, RunDirectory run) => run.KeepRowsUpTo(RunFileNames.SamplingDistribution, epoch);

    /// <summary>Restores the weights and Adam state saved by <see cref="State"/>.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        double[] Read(string key) => tensors.TryGetValue(key, out var t)
            ? t.to(ScalarType.Float64).data<double>().ToArray()
            : throw new BalmsException($"{source} holds no Meta Sampler state ('{key}'); it was not written by a BALMS run");
        long step = tensors.TryGetValue("sampler.adam_step", out var s) ? s.data<long>()[0] : throw new BalmsException($"{source} holds no Meta Sampler state");
        _sampler.Weights.LoadState(new MetaSamplerState(Read("sampler.logits"), Read("sampler.adam_first_moment"), Read("sampler.adam_second_moment"), step), source);
    }

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

    public void Dispose()
    {
        _loadedMetaBatches?.Dispose();
        _cachedMetaRows?.Dispose();
        _metaSetFeatures?.Features.Dispose();
        _metaSetFeatures?.Labels.Dispose();
        _sampler.Dispose();
    }
}
