using Balms.Losses;
using Balms.Sampling.Meta;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

/// <summary>
/// A miniature BALMS stage 2 in float32: fixed synthetic features of a strongly imbalanced 4-class problem, a linear
/// classifier trained with Balanced Softmax (or plain softmax) and SGD, and a meta update on a fresh class-balanced
/// meta batch before every real step. As with a stage-1 backbone that has memorised its few tail images, the tail
/// classes' training features are much tighter than their meta features, so the classifier under-covers the tail and
/// the meta-gradient should raise the tail's sampling probability; with plain softmax, which fits the training prior,
/// the tail is under-fitted all the more.
/// </summary>
public class MetaSamplerTrainingTests
{
    private const int Classes = 4, Dim = 5, BatchSize = 16, MetaPerClass = 4, Epochs = 20;
    private const double ClassifierLearningRate = 0.1, SamplerLearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4;
    private const double TrainSpreadOfTail = 0.3;
    private static readonly int[] Counts = [100, 30, 8, 3];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShortRunRaisesTheSamplingProbabilityOfTailClasses(bool balancedSoftmax)
    {
        using var scope = NewDisposeScope();
        var random = new Random(12);
        var classMeans = Enumerable.Range(0, Classes).Select(_ => Gaussian(random, Dim, scale: 1.0)).ToArray();
        var labels = Counts.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();
        var features = FeatureTensor(labels.Select(c => Around(classMeans[c], random, Counts[c] < 10 ? TrainSpreadOfTail : 1.0)));
        var metaPool = Enumerable.Range(0, Classes)
            .Select(c => FeatureTensor(Enumerable.Range(0, 10 * MetaPerClass).Select(_ => Around(classMeans[c], random, 1.0)))).ToArray();
        var metaLabels = tensor(Enumerable.Range(0, Classes * MetaPerClass).Select(j => (long)(j / MetaPerClass)).ToArray());
        var weight = new Parameter(zeros(Classes, Dim), requires_grad: true);
        var bias = new Parameter(zeros(Classes), requires_grad: true);
        Tensor? weightMomentum = null, biasMomentum = null;

        var options = new MetaSamplerSettings(BatchSize, InitPow: 0, LearningRate: SamplerLearningRate, Seed: 3);
        using var sampler = new MetaSampler(labels, Classes, options);
        using LongTailLoss stageLoss = balancedSoftmax ? new BalancedSoftmax(Counts.Select(n => (long)n).ToArray()) : new SoftmaxCrossEntropy();
        var initial = sampler.Weights.ClassProbabilities();

        for (int epoch = 0; epoch < Epochs; epoch++)
            foreach (int[] batch in sampler.EpochBatches(epoch))
            {
                using var stepScope = NewDisposeScope();
                var batchIndex = tensor(batch.Select(i => (long)i).ToArray());
                var batchFeatures = features.index_select(0, batchIndex);
                var classifier = new LinearClassifierSnapshot(weight, bias, ClassifierLearningRate,
                    weightMomentum, biasMomentum, Momentum, WeightDecay);
                sampler.Update(classifier, batchFeatures, new MetaBatch(MetaFeatures(metaPool, random), metaLabels), stageLoss);

                var batchLabels = tensor(batch.Select(i => (long)labels[i]).ToArray());
                var loss = stageLoss.Forward(batchFeatures.matmul(weight.t()) + bias, batchLabels);
                var gradients = torch.autograd.grad([loss], [weight, bias]);
                weightMomentum = SgdStep(weight, gradients[0], weightMomentum).MoveToOuterDisposeScope();
                biasMomentum = SgdStep(bias, gradients[1], biasMomentum).MoveToOuterDisposeScope();
            }

        var final = sampler.Weights.ClassProbabilities();
        Assert.True(final[2] > initial[2], $"class 2: {initial[2]:F4} -> {final[2]:F4}");
        Assert.True(final[3] > initial[3], $"class 3: {initial[3]:F4} -> {final[3]:F4}");
    }

    /// <summary>PyTorch SGD: v = μ·m + (g + λθ) (v = g + λθ on the first step), θ ← θ − η·v; returns the new buffer.</summary>
    private static Tensor SgdStep(Parameter parameter, Tensor gradient, Tensor? momentumBuffer)
    {
        using var noGrad = no_grad();
        var direction = gradient + WeightDecay * parameter;
        var velocity = momentumBuffer is null ? direction : Momentum * momentumBuffer + direction;
        parameter.sub_(ClassifierLearningRate * velocity);
        return velocity;
    }

    /// <summary>MetaPerClass random rows of each class's pool, class by class (labels are j / MetaPerClass).</summary>
    private static Tensor MetaFeatures(Tensor[] pool, Random random) =>
        cat(pool.Select(rows => rows.index_select(0,
            tensor(Enumerable.Range(0, MetaPerClass).Select(_ => (long)random.Next((int)rows.shape[0])).ToArray()))).ToArray(), 0);

    private static Tensor FeatureTensor(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return tensor(list.SelectMany(r => r.Select(v => (float)v)).ToArray()).reshape(list.Count, Dim);
    }

    private static double[] Around(double[] mean, Random random, double noise) =>
        Gaussian(random, Dim, scale: noise).Zip(mean, (noise, m) => m + noise).ToArray();

    private static double[] Gaussian(Random random, int length, double scale) =>
        Enumerable.Range(0, length)
            .Select(_ => scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))
            .ToArray();
}
