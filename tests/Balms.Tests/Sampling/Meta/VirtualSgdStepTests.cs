using Balms.Losses;
using Balms.Sampling.Meta;
using TorchSharp;
using TorchSharp.Modules;
using static Balms.Tests.Fixtures.Numeric;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

/// <summary>The virtual step is checked against a real step of TorchSharp's SGD on the Balanced Softmax loss.</summary>
public class VirtualSgdStepTests
{
    private const int Classes = 3, Dim = 4, Batch = 5;
    private const double LearningRate = 0.2, Momentum = 0.9, WeightDecay = 5e-4;
    private static readonly double[] Counts = [40, 9, 2];

    [Fact]
    public void WithoutMomentumBufferEqualsTheFirstSgdStep()
    {
        var random = new Random(3);
        using var weight = new Parameter(RandomTensor(random, Classes, Dim), requires_grad: true);
        using var bias = new Parameter(RandomTensor(random, Classes), requires_grad: true);
        using var features = RandomTensor(random, Batch, Dim);
        using var labels = tensor(new long[] { 0, 2, 1, 0, 2 });
        var classifier = new LinearClassifierSnapshot(weight.detach().clone(), bias.detach().clone(), LearningRate,
            Momentum: Momentum, WeightDecay: WeightDecay);

        var (virtualWeight, virtualBias) = Apply(classifier, features, labels);
        using var sgd = optim.SGD([weight, bias], LearningRate, Momentum, weight_decay: WeightDecay);
        RealStep(sgd, weight, bias, features, labels);

        AssertClose(weight, virtualWeight);
        AssertClose(bias, virtualBias);
    }

    [Fact]
    public void WithMomentumBufferEqualsTheSecondSgdStep()
    {
        var random = new Random(5);
        using var weight = new Parameter(RandomTensor(random, Classes, Dim), requires_grad: true);
        using var bias = new Parameter(RandomTensor(random, Classes), requires_grad: true);
        using var firstFeatures = RandomTensor(random, Batch, Dim);
        using var firstLabels = tensor(new long[] { 1, 1, 0, 2, 0 });
        using var secondFeatures = RandomTensor(random, Batch, Dim);
        using var secondLabels = tensor(new long[] { 2, 0, 0, 1, 2 });
        using var sgd = optim.SGD([weight, bias], LearningRate, Momentum, weight_decay: WeightDecay);

        using var weightBefore = weight.detach().clone();
        using var biasBefore = bias.detach().clone();
        RealStep(sgd, weight, bias, firstFeatures, firstLabels);
        // After the first step PyTorch's buffer is the step direction itself: m = (θ_before − θ_after) / η.
        using var weightMomentum = (weightBefore - weight.detach()) / LearningRate;
        using var biasMomentum = (biasBefore - bias.detach()) / LearningRate;
        var classifier = new LinearClassifierSnapshot(weight.detach().clone(), bias.detach().clone(), LearningRate,
            weightMomentum, biasMomentum, Momentum, WeightDecay);

        var (virtualWeight, virtualBias) = Apply(classifier, secondFeatures, secondLabels);
        RealStep(sgd, weight, bias, secondFeatures, secondLabels);

        AssertClose(weight, virtualWeight);
        AssertClose(bias, virtualBias);
    }

    private static (Tensor Weight, Tensor Bias) Apply(LinearClassifierSnapshot classifier, Tensor features, Tensor labels)
    {
        using var loss = new BalancedSoftmax(Counts.Select(n => (long)n).ToArray());
        using var unitWeights = ones(Batch, float64);
        return VirtualSgdStep.Apply(classifier, features, labels, loss, unitWeights);
    }

    private static void RealStep(optim.Optimizer sgd, Parameter weight, Parameter bias, Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        sgd.zero_grad();
        var logits = features.matmul(weight.t()) + bias + tensor(Counts, float64).log();
        nn.functional.cross_entropy(logits, labels).backward();
        sgd.step();
    }

    private static void AssertClose(Tensor expected, Tensor actual) => Fixtures.Numeric.AssertClose(Values(expected), Values(actual), 1e-12);
}
