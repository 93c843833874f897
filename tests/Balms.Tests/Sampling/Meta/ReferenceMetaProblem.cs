using static Balms.Tests.Fixtures.Numeric;
namespace Balms.Tests.Sampling.Meta;

/// <summary>
/// A tiny BALMS meta problem (C=3, D=4, N=12, B=5, M=6) with its meta objective written in plain double arithmetic,
/// independently of the library's tensor code: the Gumbel noise is a fixed matrix, the virtual step and the losses
/// are spelled out element by element. The virtual step takes Balanced Softmax, or plain softmax cross-entropy with
/// <c>balancedSoftmax: false</c>.
/// </summary>
internal sealed class ReferenceMetaProblem
{
    public const int Classes = 3, Dim = 4, Instances = 12, Batch = 5, MetaSize = 6;
    public const double LearningRate = 0.5, Momentum = 0.9, WeightDecay = 5e-4;

    public ReferenceMetaProblem(bool withMomentum, int seed, bool balancedSoftmax = true)
    {
        BalancedSoftmax = balancedSoftmax;
        var random = new Random(seed);
        InstanceLabels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 0, 1];
        InstanceFeatures = Matrix(random, Instances, Dim);
        Uniform = FixedNoise.RandomUniform(Batch, Instances, seed + 1);
        Weight = Matrix(random, Classes, Dim);
        Bias = Matrix(random, 1, Classes)[0];
        WeightMomentum = withMomentum ? Matrix(random, Classes, Dim) : null;
        BiasMomentum = withMomentum ? Matrix(random, 1, Classes)[0] : null;
        MetaFeatures = Matrix(random, MetaSize, Dim);
        MetaLabels = [0, 1, 2, 0, 1, 2];
        Counts = Enumerable.Range(0, Classes).Select(c => (long)InstanceLabels.Count(y => y == c)).ToArray();
    }

    public int[] InstanceLabels { get; }
    public double[][] InstanceFeatures { get; }
    public double[,] Uniform { get; }
    public double[][] Weight { get; }
    public double[] Bias { get; }
    public double[][]? WeightMomentum { get; }
    public double[]? BiasMomentum { get; }
    public double[][] MetaFeatures { get; }
    public int[] MetaLabels { get; }
    public long[] Counts { get; }
    /// <summary>Whether the virtual step's loss adds log n_c to the logits.</summary>
    public bool BalancedSoftmax { get; }

    private double[,] Gumbel => FixedNoise.Gumbel(Uniform);

    /// <summary>k_b = argmax_i (log s_{y_i} + g_{b,i}).</summary>
    public int[] ChosenInstances(double[] logits)
    {
        var gumbel = Gumbel;
        return Enumerable.Range(0, Batch).Select(b =>
        {
            var scores = Enumerable.Range(0, Instances).Select(i => LogSigmoid(logits[InstanceLabels[i]]) + gumbel[b, i]).ToArray();
            return Array.IndexOf(scores, scores.Max());
        }).ToArray();
    }

    /// <summary>
    /// L_meta as a function of w with the batch and noise fixed at <paramref name="anchor"/>: the sample weights are
    /// Y_b = 1 + y_soft[b,k_b](w) − y_soft[b,k_b](anchor), so the gradient at w = anchor is the straight-through one.
    /// </summary>
    public double MetaLoss(double[] logits, double[] anchor)
    {
        var chosen = ChosenInstances(anchor);
        var softAt = SoftProbabilities(logits, chosen);
        var softAtAnchor = SoftProbabilities(anchor, chosen);
        var sampleWeights = Enumerable.Range(0, Batch).Select(b => 1 + softAt[b] - softAtAnchor[b]).ToArray();
        var (weight, bias) = VirtualStep(chosen, sampleWeights);
        return MetaCrossEntropy(weight, bias);
    }

    /// <summary>dL_meta/dw_c = −(η/B) Σ_b ⟨∇_θ L_meta(θ'), ∇_θ l_b(θ)⟩ · ∂y_soft[b,k_b]/∂w_c.</summary>
    public double[] ClosedFormGradient(double[] logits)
    {
        var chosen = ChosenInstances(logits);
        var (steppedWeight, steppedBias) = VirtualStep(chosen, Enumerable.Repeat(1.0, Batch).ToArray());
        var (metaWeightGradient, metaBiasGradient) = MetaGradientAt(steppedWeight, steppedBias);
        var soft = SoftProbabilities(logits, chosen);
        var s = logits.Select(w => 1 / (1 + Math.Exp(-w))).ToArray();
        var gumbel = Gumbel;
        var gradient = new double[Classes];
        for (int b = 0; b < Batch; b++)
        {
            var features = InstanceFeatures[chosen[b]];
            var residual = LogitResidual(Weight, Bias, features, InstanceLabels[chosen[b]], useClassPrior: BalancedSoftmax);
            double inner = 0;
            for (int c = 0; c < Classes; c++)
            {
                inner += metaBiasGradient[c] * residual[c];
                for (int d = 0; d < Dim; d++)
                    inner += metaWeightGradient[c][d] * residual[c] * features[d];
            }
            var classMass = new double[Classes];
            for (int i = 0; i < Instances; i++)
                classMass[InstanceLabels[i]] += s[InstanceLabels[i]] * Math.Exp(gumbel[b, i]);
            for (int c = 0; c < Classes; c++)
            {
                double share = classMass[c] / classMass.Sum();
                double softDerivative = soft[b] * ((InstanceLabels[chosen[b]] == c ? 1 : 0) - share) * (1 - s[c]);
                gradient[c] -= LearningRate / Batch * inner * softDerivative;
            }
        }
        return gradient;
    }

    private double[] SoftProbabilities(double[] logits, int[] chosen)
    {
        var gumbel = Gumbel;
        return Enumerable.Range(0, Batch).Select(b =>
        {
            var scores = Enumerable.Range(0, Instances).Select(i => LogSigmoid(logits[InstanceLabels[i]]) + gumbel[b, i]).ToArray();
            return Softmax(scores)[chosen[b]];
        }).ToArray();
    }

    private (double[][] Weight, double[] Bias) VirtualStep(int[] chosen, double[] sampleWeights)
    {
        var weightGradient = new double[Classes][];
        for (int c = 0; c < Classes; c++)
            weightGradient[c] = new double[Dim];
        var biasGradient = new double[Classes];
        for (int b = 0; b < Batch; b++)
        {
            var features = InstanceFeatures[chosen[b]];
            var residual = LogitResidual(Weight, Bias, features, InstanceLabels[chosen[b]], useClassPrior: BalancedSoftmax);
            for (int c = 0; c < Classes; c++)
            {
                biasGradient[c] += sampleWeights[b] * residual[c] / Batch;
                for (int d = 0; d < Dim; d++)
                    weightGradient[c][d] += sampleWeights[b] * residual[c] * features[d] / Batch;
            }
        }
        var newWeight = new double[Classes][];
        var newBias = new double[Classes];
        for (int c = 0; c < Classes; c++)
        {
            newWeight[c] = new double[Dim];
            for (int d = 0; d < Dim; d++)
                newWeight[c][d] = SgdUpdate(Weight[c][d], weightGradient[c][d], WeightMomentum?[c][d]);
            newBias[c] = SgdUpdate(Bias[c], biasGradient[c], BiasMomentum?[c]);
        }
        return (newWeight, newBias);
    }

    private static double SgdUpdate(double parameter, double gradient, double? momentumBuffer)
    {
        double direction = gradient + WeightDecay * parameter;
        double velocity = momentumBuffer is { } m ? Momentum * m + direction : direction;
        return parameter - LearningRate * velocity;
    }

    private double MetaCrossEntropy(double[][] weight, double[] bias) =>
        Enumerable.Range(0, MetaSize).Average(j =>
        {
            var logits = Logits(weight, bias, MetaFeatures[j], useClassPrior: false);
            double max = logits.Max();
            return max + Math.Log(logits.Sum(z => Math.Exp(z - max))) - logits[MetaLabels[j]];
        });

    private (double[][] Weight, double[] Bias) MetaGradientAt(double[][] weight, double[] bias)
    {
        var weightGradient = Enumerable.Range(0, Classes).Select(_ => new double[Dim]).ToArray();
        var biasGradient = new double[Classes];
        for (int j = 0; j < MetaSize; j++)
        {
            var residual = LogitResidual(weight, bias, MetaFeatures[j], MetaLabels[j], useClassPrior: false);
            for (int c = 0; c < Classes; c++)
            {
                biasGradient[c] += residual[c] / MetaSize;
                for (int d = 0; d < Dim; d++)
                    weightGradient[c][d] += residual[c] * MetaFeatures[j][d] / MetaSize;
            }
        }
        return (weightGradient, biasGradient);
    }

    /// <summary>∂CE/∂logits = softmax(logits) − e_label, with the Balanced Softmax prior log n when asked.</summary>
    private double[] LogitResidual(double[][] weight, double[] bias, double[] features, int label, bool useClassPrior)
    {
        var probabilities = Softmax(Logits(weight, bias, features, useClassPrior));
        probabilities[label] -= 1;
        return probabilities;
    }

    private double[] Logits(double[][] weight, double[] bias, double[] features, bool useClassPrior) =>
        Enumerable.Range(0, Classes).Select(c =>
            bias[c] + weight[c].Zip(features, (a, b) => a * b).Sum() + (useClassPrior ? Math.Log(Counts[c]) : 0)).ToArray();

    private static double[] Softmax(double[] scores)
    {
        double max = scores.Max();
        var exponentials = scores.Select(z => Math.Exp(z - max)).ToArray();
        double total = exponentials.Sum();
        return exponentials.Select(e => e / total).ToArray();
    }

    private static double[][] Matrix(Random random, int rows, int columns) =>
        Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, columns).Select(_ => 2 * random.NextDouble() - 1).ToArray()).ToArray();
}
