using System.Numerics;
using Balms.Sampling.Meta;
using TorchSharp;
using static Balms.Tests.Fixtures.Numeric;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

public class ExponentialClassNoiseTests
{
    // Classes of 3, 1, 0, 9 and 2 instances, interleaved; 11 rows fill one vector of rows and part of another.
    private static readonly int[] Labels = [3, 0, 3, 1, 4, 3, 0, 3, 3, 4, 3, 0, 3, 3, 3];
    private static readonly int[] ClassSizes = [3, 1, 0, 9, 2];
    private static readonly double[] Logits = [0.7, -1.1, 2.0, 0.3, -0.2];
    private const int Rows = 11;
    private const ulong Seed = 77;

    [Fact]
    public void SummariesAreThoseOfTheNoiseMatrixTheyStandFor()
    {
        var noise = new ExponentialClassNoise(Seed);
        var (minExponential, reciprocalSum) = Reduce(noise, Rows);

        var exponential = NoiseMatrix(noise, Rows, minExponential);

        for (int b = 0; b < Rows; b++)
            for (int c = 0; c < ClassSizes.Length; c++)
            {
                var members = Enumerable.Range(0, Labels.Length).Where(i => Labels[i] == c).ToList();
                double expectedMinimum = members.Count == 0 ? double.PositiveInfinity : members.Min(i => exponential[b, i]);
                Assert.Equal(expectedMinimum, minExponential[b * ClassSizes.Length + c]);
                double expectedSum = members.Sum(i => 1 / exponential[b, i]);
                Assert.Equal(expectedSum, reciprocalSum[b * ClassSizes.Length + c], Math.Max(expectedSum, 1) * 1e-12);
            }
    }

    [Fact]
    public void ARowsNoiseDoesNotDependOnTheRowsBesideIt()
    {
        var noise = new ExponentialClassNoise(Seed);
        var (wideMinimum, wideSum) = Reduce(noise, Rows);
        var (narrowMinimum, narrowSum) = Reduce(noise, 3);

        Assert.Equal(narrowMinimum, wideMinimum[..narrowMinimum.Length]);
        Assert.Equal(narrowSum, wideSum[..narrowSum.Length]);
        var (otherSeedMinimum, _) = Reduce(new ExponentialClassNoise(Seed + 1), 3);
        Assert.NotEqual(narrowMinimum, otherSeedMinimum);
    }

    [Fact]
    public void DrawAndGradientEqualTheFullSoftmaxOverItsNoiseMatrix()
    {
        var noise = new ExponentialClassNoise(Seed);
        var exponential = NoiseMatrix(noise, Rows, Reduce(noise, Rows).MinExponential);
        var logWeights = Logits.Select(LogSigmoid).ToArray();
        using var logits = tensor(Logits, float64).requires_grad_();
        using var rowWeights = tensor(Enumerable.Range(0, Rows).Select(b => Math.Sin(b + 1.0)).ToArray(), float64);

        var draw = new GumbelBatchDrawer(Labels, ClassSizes.Length).Draw(logWeights, Rows, noise);

        // The original: k_b = argmax_i (log s_{y_i} + g_{b,i}) and y_soft = softmax(log s_{y_i} + g_{b,i}) over all N.
        var gumbel = new double[Rows * Labels.Length];
        for (int b = 0; b < Rows; b++)
        {
            var scores = Enumerable.Range(0, Labels.Length).Select(i => logWeights[Labels[i]] - Math.Log(exponential[b, i])).ToArray();
            Assert.Equal(Array.IndexOf(scores, scores.Max()), draw.Indices[b]);
            for (int i = 0; i < Labels.Length; i++) gumbel[b * Labels.Length + i] = -Math.Log(exponential[b, i]);
        }
        using var labelTensor = tensor(Labels.Select(c => (long)c).ToArray(), int64);
        using var gumbelTensor = tensor(gumbel, float64).reshape(Rows, Labels.Length);
        using var fullSoft = (nn.functional.logsigmoid(logits).index_select(0, labelTensor).unsqueeze(0) + gumbelTensor).softmax(1);
        using var chosen = tensor(draw.Indices.Select(i => (long)i).ToArray(), int64).unsqueeze(1);
        using var expected = fullSoft.gather(1, chosen).squeeze(1);
        using var expectedGradient = torch.autograd.grad([(expected * rowWeights).sum()], [logits])[0];
        using var compact = draw.SelectedSoftProbabilities(nn.functional.logsigmoid(logits));
        using var compactGradient = torch.autograd.grad([(compact * rowWeights).sum()], [logits])[0];

        AssertClose(expected.data<double>().ToArray(), compact.data<double>().ToArray(), 1e-12);
        AssertClose(expectedGradient.data<double>().ToArray(), compactGradient.data<double>().ToArray(), 1e-12);
        Assert.True(compactGradient.abs().max().item<double>() > 1e-3, "the case should have a non-negligible gradient");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(40)]
    public void SummariesHaveTheLawOfTheMinimumAndReciprocalSumOfIndependentExponentials(int classSize)
    {
        // 2,000 rows × 10 classes of classSize instances, against as many classes of classSize numbers −log(1 − U)
        // drawn one by one in float64. Two-sample Kolmogorov–Smirnov tests at the 0.1 % level; n·E_min is also
        // compared with Exp(1) exactly.
        const int rows = 2000, classes = 10, samples = rows * classes;
        var sizes = Enumerable.Repeat(classSize, classes).ToArray();
        var minExponential = new double[samples];
        var reciprocalSum = new double[samples];
        new ExponentialClassNoise(seed: 5).Reduce(rows, sizes, minExponential, reciprocalSum);
        var random = new Random(6);
        var referenceMinimum = new double[samples];
        var referenceSum = new double[samples];
        for (int k = 0; k < samples; k++)
        {
            var numbers = Enumerable.Range(0, classSize).Select(_ => -Math.Log(1 - random.NextDouble())).ToArray();
            referenceMinimum[k] = numbers.Min();
            referenceSum[k] = numbers.Sum(e => 1 / e);
        }
        double critical = 1.95 * Math.Sqrt(2.0 / samples);

        Assert.InRange(OneSampleDistance(minExponential.Select(m => classSize * m).ToArray(), x => 1 - Math.Exp(-x)), 0, 1.95 / Math.Sqrt(samples));
        Assert.InRange(TwoSampleDistance(reciprocalSum, referenceSum), 0, critical);
        // The soft sample depends on both together: E_min·Σ 1/E tests their joint law beyond each margin.
        Assert.InRange(TwoSampleDistance(minExponential.Zip(reciprocalSum, (m, s) => m * s).ToArray(),
            referenceMinimum.Zip(referenceSum, (m, s) => m * s).ToArray()), 0, critical);
    }

    [Fact]
    public void LogarithmIsFloatAccurateForEveryUniformNumberTheLanesMake()
    {
        // Every U = (2k + 1)·2⁻²⁴ the generator can produce, against Math.Log in float64.
        int width = ExponentialLanes.Width;
        var batch = new float[width];
        double worst = 0;
        for (int k = 0; k < 1 << 23; k += width)
        {
            for (int lane = 0; lane < width; lane++) batch[lane] = (2 * (k + lane) + 1) / (float)(1 << 24);
            var log = ExponentialLanes.Log(new Vector<float>(batch));
            for (int lane = 0; lane < width; lane++)
            {
                double exact = Math.Log(batch[lane]);
                worst = Math.Max(worst, Math.Abs(log[lane] - exact) / Math.Abs(exact));
            }
        }
        // Within four units of float32's rounding (2⁻²⁴ relative), as the original's float32 noise.
        Assert.InRange(worst, 0, 4 * Math.Pow(2, -24));
    }

    private static (double[] MinExponential, double[] ReciprocalSum) Reduce(ExponentialClassNoise noise, int rows)
    {
        var minExponential = new double[rows * ClassSizes.Length];
        var reciprocalSum = new double[rows * ClassSizes.Length];
        noise.Reduce(rows, ClassSizes, minExponential, reciprocalSum);
        return (minExponential, reciprocalSum);
    }

    /// <summary>
    /// The [B, N] exponentials a reduction stands for, rebuilt from row b's own stream (lane 0 of lanes that start at
    /// row b): per class in order, X₀ gives the minimum X₀/n_c, at <see cref="ExponentialClassNoise.MinimumPosition"/>;
    /// each further X is another instance's minimum + X, in dataset order.
    /// </summary>
    private static double[,] NoiseMatrix(ExponentialClassNoise noise, int rows, double[] minExponential)
    {
        var exponential = new double[rows, Labels.Length];
        for (int b = 0; b < rows; b++)
        {
            var stream = new ExponentialLanes(Seed, firstRow: b);
            for (int c = 0; c < ClassSizes.Length; c++)
            {
                var members = Enumerable.Range(0, Labels.Length).Where(i => Labels[i] == c).ToList();
                if (members.Count == 0) continue;
                double minimum = stream.Next()[0] / (double)members.Count;
                Assert.Equal(minimum, minExponential[b * ClassSizes.Length + c]);
                int position = noise.MinimumPosition(b, c, members.Count);
                for (int m = 0; m < members.Count; m++)
                    exponential[b, members[m]] = m == position ? minimum : minimum + stream.Next()[0];
            }
        }
        return exponential;
    }

    private static double OneSampleDistance(double[] sample, Func<double, double> cumulative)
    {
        var sorted = sample.Order().ToArray();
        return sorted.Select((x, k) => Math.Max(Math.Abs((k + 1.0) / sorted.Length - cumulative(x)), Math.Abs((double)k / sorted.Length - cumulative(x)))).Max();
    }

    private static double TwoSampleDistance(double[] first, double[] second)
    {
        var a = first.Order().ToArray();
        var b = second.Order().ToArray();
        double distance = 0;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            double next = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= next) i++;
            while (j < b.Length && b[j] <= next) j++;
            distance = Math.Max(distance, Math.Abs((double)i / a.Length - (double)j / b.Length));
        }
        return distance;
    }
}
