using Balms.Losses;
using Balms.Sampling.Meta;
using Balms.Tests.Fixtures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

public class MetaGradientTests
{
    private static readonly double[] Logits = [0.4, -0.8, 1.3];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MetaGradientMatchesCentralFiniteDifferences(bool withMomentum)
    {
        var problem = new ReferenceMetaProblem(withMomentum, seed: 17);

        var (metaLoss, gradient) = Compute(problem);

        Assert.Equal(problem.MetaLoss(Logits, Logits), metaLoss, 1e-12);
        const double step = 1e-5;
        for (int c = 0; c < Logits.Length; c++)
        {
            var up = Logits.ToArray();
            var down = Logits.ToArray();
            up[c] += step;
            down[c] -= step;
            double finiteDifference = (problem.MetaLoss(up, Logits) - problem.MetaLoss(down, Logits)) / (2 * step);
            Assert.Equal(finiteDifference, gradient[c], 1e-8);
        }
        Assert.True(gradient.Max(Math.Abs) > 1e-3, "the problem should have a non-negligible meta-gradient");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MetaGradientMatchesTheClosedForm(bool balancedSoftmax)
    {
        var problem = new ReferenceMetaProblem(withMomentum: true, seed: 29, balancedSoftmax);

        var (_, gradient) = Compute(problem);

        var expected = problem.ClosedFormGradient(Logits);
        for (int c = 0; c < Logits.Length; c++)
            Assert.Equal(expected[c], gradient[c], 1e-12);
    }

    [Fact]
    public void TheVirtualStepTakesTheStagesLossNotAlwaysBalancedSoftmax()
    {
        var softmaxProblem = new ReferenceMetaProblem(withMomentum: true, seed: 29, balancedSoftmax: false);
        var balancedProblem = new ReferenceMetaProblem(withMomentum: true, seed: 29, balancedSoftmax: true);

        var (softmaxLoss, softmaxGradient) = Compute(softmaxProblem);
        var (balancedLoss, _) = Compute(balancedProblem);

        // Same draw, features and classifier: only the virtual step's loss differs, and so does the stepped classifier.
        Assert.Equal(softmaxProblem.MetaLoss(Logits, Logits), softmaxLoss, 1e-12);
        Assert.NotEqual(balancedLoss, softmaxLoss, 6);
        var balancedExpected = balancedProblem.ClosedFormGradient(Logits);
        Assert.True(softmaxGradient.Zip(balancedExpected).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-4,
            "a softmax stage's meta-gradient must not be Balanced Softmax's");
    }

    [Fact]
    public void DrawPicksTheReferenceArgmax()
    {
        var problem = new ReferenceMetaProblem(withMomentum: false, seed: 5);

        var draw = Draw(problem);

        Assert.Equal(problem.ChosenInstances(Logits), draw.Indices);
    }

    private static GumbelDraw Draw(ReferenceMetaProblem problem)
    {
        var drawer = new GumbelBatchDrawer(problem.InstanceLabels, ReferenceMetaProblem.Classes);
        var logSamplingWeights = Logits.Select(Numeric.LogSigmoid).ToArray();
        return drawer.Draw(logSamplingWeights, ReferenceMetaProblem.Batch, FixedNoise.FromUniform(problem.Uniform, problem.InstanceLabels));
    }

    private static (double MetaLoss, double[] Gradient) Compute(ReferenceMetaProblem problem)
    {
        using var scope = NewDisposeScope();
        var draw = Draw(problem);
        var trainFeatures = Tensor2D(draw.Indices.Select(i => problem.InstanceFeatures[i]).ToArray());
        var classifier = new LinearClassifierSnapshot(
            Tensor2D(problem.Weight), tensor(problem.Bias, float64), ReferenceMetaProblem.LearningRate,
            problem.WeightMomentum is null ? null : Tensor2D(problem.WeightMomentum),
            problem.BiasMomentum is null ? null : tensor(problem.BiasMomentum, float64),
            ReferenceMetaProblem.Momentum, ReferenceMetaProblem.WeightDecay);
        var meta = new MetaBatch(Tensor2D(problem.MetaFeatures), tensor(problem.MetaLabels.Select(y => (long)y).ToArray()));
        using var logits = new Parameter(tensor(Logits, float64), requires_grad: true);
        using LongTailLoss loss = problem.BalancedSoftmax ? new BalancedSoftmax(problem.Counts) : new SoftmaxCrossEntropy();
        return MetaGradient.Compute(logits, draw, trainFeatures, loss, classifier, meta);
    }

    private static Tensor Tensor2D(double[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), float64).reshape(rows.Length, rows[0].Length);
}
