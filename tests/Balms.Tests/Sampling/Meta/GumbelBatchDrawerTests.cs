using Balms.Sampling.Meta;
using TorchSharp;
using static Balms.Tests.Fixtures.Numeric;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

public class GumbelBatchDrawerTests
{
    private static readonly int[] Labels = [0, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2];
    private static readonly double[] Logits = [0.7, -1.1, 0.3];
    private const int Classes = 3;
    private const int Rows = 6;

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void DrawFromClassSummariesMatchesTheFullArgmaxAndClassSums(int seed)
    {
        var uniform = FixedNoise.RandomUniform(Rows, Labels.Length, seed);
        var gumbel = FixedNoise.Gumbel(uniform);
        var logWeights = Logits.Select(LogSigmoid).ToArray();
        var drawer = new GumbelBatchDrawer(Labels, Classes);

        var draw = drawer.Draw(logWeights, Rows, FixedNoise.FromUniform(uniform, Labels));

        for (int b = 0; b < Rows; b++)
        {
            var scores = Enumerable.Range(0, Labels.Length).Select(i => logWeights[Labels[i]] + gumbel[b, i]).ToArray();
            int expectedIndex = Array.IndexOf(scores, scores.Max());
            Assert.Equal(expectedIndex, draw.Indices[b]);
            Assert.Equal(Labels[expectedIndex], draw.Labels[b]);
            Assert.Equal(gumbel[b, expectedIndex], draw.ChosenGumbel[b], 1e-12);
            for (int c = 0; c < Classes; c++)
            {
                double classSum = Enumerable.Range(0, Labels.Length).Where(i => Labels[i] == c).Sum(i => Math.Exp(gumbel[b, i]));
                Assert.Equal(Math.Log(classSum), draw.LogClassNoise[b * Classes + c], 1e-12);
            }
        }
    }

    [Fact]
    public void CompactSoftProbabilityEqualsFullSoftmaxInValueAndGradient()
    {
        var uniform = FixedNoise.RandomUniform(Rows, Labels.Length, seed: 11);
        var drawer = new GumbelBatchDrawer(Labels, Classes);
        using var logits = tensor(Logits, float64).requires_grad_();
        using var rowWeights = tensor(new[] { 0.3, -1.0, 2.0, 0.5, 1.5, -0.7 }, float64);
        var draw = drawer.Draw(Logits.Select(LogSigmoid).ToArray(), Rows, FixedNoise.FromUniform(uniform, Labels));

        // Reference: the original's B×N soft sample y_soft = softmax(log s_{y_i} + g_{b,i}) from the same noise.
        using var labelTensor = tensor(Labels.Select(c => (long)c).ToArray(), int64);
        using var gumbel = tensor(Flatten(FixedNoise.Gumbel(uniform)), float64).reshape(Rows, Labels.Length);
        using var fullSoft = (nn.functional.logsigmoid(logits).index_select(0, labelTensor).unsqueeze(0) + gumbel).softmax(1);
        using var chosen = tensor(draw.Indices.Select(i => (long)i).ToArray(), int64).unsqueeze(1);
        using var expected = fullSoft.gather(1, chosen).squeeze(1);
        using var expectedGradient = torch.autograd.grad([(expected * rowWeights).sum()], [logits])[0];

        using var compact = draw.SelectedSoftProbabilities(nn.functional.logsigmoid(logits));
        using var compactGradient = torch.autograd.grad([(compact * rowWeights).sum()], [logits])[0];
        using var straightThrough = draw.StraightThroughWeights(nn.functional.logsigmoid(logits));
        using var straightThroughGradient = torch.autograd.grad([(straightThrough * rowWeights).sum()], [logits])[0];

        AssertClose(expected.data<double>().ToArray(), compact.data<double>().ToArray(), 1e-12);
        AssertClose(expectedGradient.data<double>().ToArray(), compactGradient.data<double>().ToArray(), 1e-12);
        Assert.All(straightThrough.data<double>().ToArray(), y => Assert.Equal(1.0, y));
        AssertClose(expectedGradient.data<double>().ToArray(), straightThroughGradient.data<double>().ToArray(), 1e-12);
    }

    [Fact]
    public void DrawFrequenciesMatchCountsTimesSamplingWeights()
    {
        // N = 50 instances in C = 4 classes; 20 draws of 1000 rows with the sampler's own noise, sampled class by class.
        int[] counts = [20, 15, 10, 5];
        var labels = counts.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();
        double[] logits = [-1.0, 0.5, 0.0, 2.0];
        var s = logits.Select(w => 1 / (1 + Math.Exp(-w))).ToArray();
        double totalMass = labels.Sum(c => s[c]);
        var drawer = new GumbelBatchDrawer(labels, counts.Length);
        var instanceHits = new int[labels.Length];
        const int draws = 20, rows = 1000, total = draws * rows;

        for (int d = 0; d < draws; d++)
            foreach (int index in drawer.Draw(logits.Select(LogSigmoid).ToArray(), rows, new ExponentialClassNoise(seed: 2024 + (ulong)d)).Indices)
                instanceHits[index]++;

        for (int c = 0; c < counts.Length; c++)
        {
            double expected = counts[c] * s[c] / totalMass;
            double observed = (double)labels.Select((label, i) => label == c ? instanceHits[i] : 0).Sum() / total;
            Assert.InRange(observed, expected - 4 * StandardError(expected, total), expected + 4 * StandardError(expected, total));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            double expected = s[labels[i]] / totalMass;
            double observed = (double)instanceHits[i] / total;
            Assert.InRange(observed, expected - 4.5 * StandardError(expected, total), expected + 4.5 * StandardError(expected, total));
        }
    }

    [Fact]
    public void ClassWithoutInstancesIsNeverDrawnAndAddsNothingToTheSoftSample()
    {
        int[] labels = [0, 2, 0, 2, 2, 0]; // class 1 of 3 has no instance
        var uniform = FixedNoise.RandomUniform(Rows, labels.Length, seed: 3);
        var drawer = new GumbelBatchDrawer(labels, numClasses: 3);
        using var logits = tensor(new[] { 0.2, 5.0, -0.4 }, float64).requires_grad_();

        var draw = drawer.Draw(Enumerable.Range(0, 3).Select(c => LogSigmoid(logits[c].detach().item<double>())).ToArray(), Rows, FixedNoise.FromUniform(uniform, labels));
        using var soft = draw.SelectedSoftProbabilities(nn.functional.logsigmoid(logits));

        Assert.DoesNotContain(1, draw.Labels);
        for (int b = 0; b < Rows; b++) Assert.Equal(double.NegativeInfinity, draw.LogClassNoise[b * 3 + 1]);
        Assert.All(soft.data<double>().ToArray(), p => Assert.InRange(p, 1e-12, 1.0));
        using var gradient = torch.autograd.grad([soft.sum()], [logits])[0];
        Assert.All(gradient.data<double>().ToArray(), g => Assert.True(double.IsFinite(g)));
        Assert.Equal(0.0, gradient[1].item<double>()); // the empty class's weight cannot change the draw's soft value
    }

    private static double StandardError(double p, int trials) => Math.Sqrt(p * (1 - p) / trials);

    private static double[] Flatten(double[,] matrix) => matrix.Cast<double>().ToArray();

}
