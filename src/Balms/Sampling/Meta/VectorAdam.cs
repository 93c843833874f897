namespace Balms.Sampling.Meta;

/// <summary>
/// Adam with PyTorch's update rule (bias-corrected moments, eps added after the square root, no weight decay) for a
/// short vector of doubles. Its moments and step count are public so that a checkpoint can save and restore them.
/// </summary>
public sealed class VectorAdam
{
    private readonly double learningRate;
    private readonly double beta1;
    private readonly double beta2;
    private readonly double epsilon;
    private double[] firstMoment;
    private double[] secondMoment;

    public VectorAdam(int length, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new BalmsException($"meta sampler learning rate must be a positive number, got {learningRate}");
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        firstMoment = new double[length];
        secondMoment = new double[length];
    }

    public int Length => firstMoment.Length;

    public IReadOnlyList<double> FirstMoment => firstMoment;

    public IReadOnlyList<double> SecondMoment => secondMoment;

    /// <summary>Number of steps taken so far (PyTorch's per-parameter <c>step</c>).</summary>
    public long StepCount { get; private set; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradient"/>.</summary>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradient)
    {
        if (parameters.Length != Length || gradient.Length != Length)
            throw new ArgumentException($"Adam expects vectors of length {Length}, got {parameters.Length} parameters and {gradient.Length} gradients");
        StepCount++;
        double stepSize = learningRate / (1 - Math.Pow(beta1, StepCount));
        double secondMomentCorrection = Math.Sqrt(1 - Math.Pow(beta2, StepCount));
        for (int i = 0; i < Length; i++)
        {
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * gradient[i];
            secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * gradient[i] * gradient[i];
            double denominator = Math.Sqrt(secondMoment[i]) / secondMomentCorrection + epsilon;
            parameters[i] -= stepSize * firstMoment[i] / denominator;
        }
    }

    /// <summary>Replaces the optimiser state, e.g. when resuming from a checkpoint.</summary>
    public void Restore(IReadOnlyList<double> firstMoment, IReadOnlyList<double> secondMoment, long stepCount)
    {
        if (firstMoment.Count != Length || secondMoment.Count != Length)
            throw new ArgumentException($"Adam state must have length {Length}, got {firstMoment.Count} and {secondMoment.Count}");
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        this.firstMoment = firstMoment.ToArray();
        this.secondMoment = secondMoment.ToArray();
        StepCount = stepCount;
    }
}
