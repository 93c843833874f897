using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training.Mixing;

/// <summary>
/// The images of a mixed batch, with the labels of the images mixed in: the loss is Lambda * loss(the batch's labels) +
/// (1 - Lambda) * loss(OtherLabels). Its tensors belong to the caller's dispose scope.
/// </summary>
public sealed record MixedBatch(Tensor Images, Tensor OtherLabels, double Lambda);

/// <summary>
/// Mixes each training batch with itself in a shuffled order (mixup, CutMix), as <c>training.mix</c> names it. Lambda
/// and the order come from the run's seed and the step's position only, so that a resumed run mixes exactly as an
/// uninterrupted one.
/// </summary>
public abstract class BatchMixing
{
    // A stream of randomness of its own, apart from sampling and augmentation.
    private const long MixStream = 0x6D6978;

    private readonly double _alpha;
    private readonly int _seed;

    protected BatchMixing(MixOptions options, int seed)
    {
        _alpha = options.Alpha;
        _seed = seed;
    }

    /// <summary>The mixing that <paramref name="options"/> names.</summary>
    public static BatchMixing Create(MixOptions options, int seed) => BuiltFrom.Create<BatchMixing>(options, seed);

    /// <param name="images">[B, C, H, W].</param>
    public MixedBatch Mix(Tensor images, Tensor labels, int epoch, int step)
    {
        var random = Seeds.Random(_seed, MixStream, epoch, step);
        double lambda = BetaDistribution.Sample(random, _alpha);
        var order = Enumerable.Range(0, (int)images.shape[0]).Select(i => (long)i).ToArray();
        Seeds.Shuffle(order, random);
        using var orderTensor = tensor(order, device: images.device);
        using var shuffled = images.index_select(0, orderTensor);
        var (mixed, mixedLambda) = Combine(images, shuffled, lambda, random);
        return new MixedBatch(mixed, labels.index_select(0, orderTensor), mixedLambda);
    }

    /// <summary>The mixed images and the share of them that belongs to <paramref name="images"/>.</summary>
    protected abstract (Tensor Images, double Lambda) Combine(Tensor images, Tensor shuffled, double lambda, Random random);
}
