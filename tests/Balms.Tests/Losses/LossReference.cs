using static TorchSharp.torch;

namespace Balms.Tests.Losses;

/// <summary>
/// The losses written out in plain doubles, row by row from their papers' formulas, as references independent of the
/// tensor code; and central finite differences of such a reference, to check autograd's gradients against.
/// </summary>
internal static class LossReference
{
    public static double[] Softmax(IReadOnlyList<double> logits)
    {
        double max = logits.Max();
        double[] exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }

    /// <summary>-log softmax(logits)_target.</summary>
    public static double CrossEntropy(IReadOnlyList<double> logits, int target) => -Math.Log(Softmax(logits)[target]);

    /// <summary>-(1 - p)^gamma log p with p = softmax(logits)_target.</summary>
    public static double Focal(IReadOnlyList<double> logits, int target, double gamma)
    {
        double p = Softmax(logits)[target];
        return -Math.Pow(1 - p, gamma) * Math.Log(p);
    }

    /// <summary>The rows of a [B, C] array.</summary>
    public static double[][] Rows(double[] flat, int classes) => flat.Chunk(classes).ToArray();

    /// <summary>A batch loss: the weighted mean sum(w_i l_i) / sum(w_i) of per-row losses (plain mean for weights 1).</summary>
    public static double WeightedMean(double[] flatLogits, int classes, long[] targets, Func<double[], int, double> rowLoss,
        Func<int, double>? classWeight = null)
    {
        var rows = Rows(flatLogits, classes);
        double weighted = 0, weights = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            double w = classWeight?.Invoke((int)targets[i]) ?? 1;
            weighted += w * rowLoss(rows[i], (int)targets[i]);
            weights += w;
        }
        return weighted / weights;
    }

    /// <summary>Central differences of <paramref name="f"/> at <paramref name="x"/>, one coordinate at a time.</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double step = 1e-6)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[i] += step;
            down[i] -= step;
            gradient[i] = (f(up) - f(down)) / (2 * step);
        }
        return gradient;
    }

    /// <summary>A float64 [rows, classes] tensor of the values, needing gradients.</summary>
    public static Tensor Leaf(double[] values, int classes) => tensor(values, float64).reshape(-1, classes).requires_grad_(true);

    /// <summary>Reproducible logits, uniform in [-3, 3).</summary>
    public static double[] RandomLogits(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => 6 * random.NextDouble() - 3).ToArray();
    }
}
