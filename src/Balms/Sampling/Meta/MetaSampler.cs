using Balms.Losses;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// The BALMS Meta Sampler. Each batch draws B training instances with replacement, P(i) ∝ sigmoid(w_{y_i}), using the
/// current w at the moment the batch is requested (no prefetching, unlike the original's DataLoader). After
/// taking a batch, the trainer calls <see cref="Update"/> once with the batch's features and a class-balanced meta
/// batch, before its real classifier step:
/// <code>
/// foreach (int[] batch in sampler.EpochBatches(epoch))
/// {
///     var features = ...;                          // frozen features of `batch`, [B, D]
///     double metaLoss = sampler.Update(new LinearClassifierSnapshot(W, b, lr, mW, mb), features, nextMetaBatch, loss);
///     ...                                          // real step: `loss` on `batch`, SGD on (W, b)
/// }
/// </code>
/// </summary>
public sealed class MetaSampler : IBatchSampler, IDisposable
{
    private readonly MetaSamplerSettings options;
    private readonly GumbelBatchDrawer drawer;

    /// <param name="labels">Class of every training instance (length N), each in [0, numClasses).</param>
    public MetaSampler(IReadOnlyList<int> labels, int numClasses, MetaSamplerSettings options)
    {
        if (options.BatchSize <= 0)
            throw new BalmsException($"meta sampler batch size must be positive, got {options.BatchSize}");
        if (labels.Count < options.BatchSize)
            throw new BalmsException($"meta sampler batch size {options.BatchSize} exceeds the {labels.Count} training samples");
        int badLabel = labels.ToList().FindIndex(c => c < 0 || c >= numClasses);
        if (badLabel >= 0)
            throw new BalmsException($"meta sampler: training sample {badLabel} has label {labels[badLabel]}, expected 0..{numClasses - 1}");

        this.options = options;
        var counts = new long[numClasses];
        foreach (int label in labels)
            counts[label]++;
        Weights = new ClassSamplingWeights(counts, options.InitPow, options.LearningRate);
        drawer = new GumbelBatchDrawer(labels, numClasses);
    }

    /// <summary>The learnable per-class weights: logits, s, P(c), Adam state, checkpoint state.</summary>
    public ClassSamplingWeights Weights { get; }

    /// <summary>N / B (floor): every batch has exactly B instances.</summary>
    public int BatchesPerEpoch => drawer.NumInstances / options.BatchSize;

    /// <summary>The draw of the latest batch, until <see cref="Update"/> consumes it.</summary>
    public GumbelDraw? PendingDraw { get; private set; }

    /// <summary>
    /// Lazily draws the epoch's batches: each is drawn with the current w when the enumerator advances to it, and
    /// becomes the <see cref="PendingDraw"/>. The noise is reproducible from the seed, the epoch and the step.
    /// </summary>
    public IEnumerable<int[]> EpochBatches(int epoch) => EpochBatches(epoch, firstStep: 0);

    /// <summary>
    /// The epoch's batches from <paramref name="firstStep"/> on. Every step has its own noise stream, so a run resumed
    /// mid-epoch draws exactly the batches the uninterrupted run would have drawn with the same weights.
    /// </summary>
    public IEnumerable<int[]> EpochBatches(int epoch, int firstStep)
    {
        for (int step = firstStep; step < BatchesPerEpoch; step++)
        {
            PendingDraw = drawer.Draw(CurrentLogSamplingWeights(), options.BatchSize, new ExponentialClassNoise(StepSeed(epoch, step)));
            yield return PendingDraw.Indices.ToArray();
        }
    }

    /// <summary>
    /// The meta update for the pending batch: a virtual SGD step of the classifier on the batch with the stage's
    /// <paramref name="loss"/>, mean cross-entropy of the stepped classifier on <paramref name="meta"/>, and one Adam
    /// step on w with its gradient.
    /// </summary>
    /// <param name="trainFeatures">Frozen features of the pending batch, [B, D], in the order of its indices.</param>
    /// <returns>The meta loss, for logging.</returns>
    public double Update(LinearClassifierSnapshot classifier, Tensor trainFeatures, MetaBatch meta, LongTailLoss loss)
    {
        var draw = PendingDraw ?? throw new InvalidOperationException("no pending batch: draw one from EpochBatches before each meta update");
        var (metaLoss, gradient) = MetaGradient.Compute(Weights.Logits, draw, trainFeatures, loss, classifier, meta);
        Weights.ApplyGradient(gradient);
        PendingDraw = null;
        return metaLoss;
    }

    public void Dispose()
    {
        Weights.Dispose();
    }

    private double[] CurrentLogSamplingWeights()
    {
        using var noGrad = no_grad();
        using var logWeights = Weights.LogSamplingWeights();
        return logWeights.data<double>().ToArray();
    }

    /// <summary>Distinct, well-mixed generator seeds per (seed, epoch, step).</summary>
    private ulong StepSeed(int epoch, int step) => (ulong)Seeds.Derive((int)(options.Seed & 0x7FFFFFFF), epoch, step);
}
