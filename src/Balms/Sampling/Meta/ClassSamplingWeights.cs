using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// The learnable part of the Meta Sampler: one logit w_c per class, the unnormalised sampling weight
/// s_c = sigmoid(w_c) of every training instance of class c, and the Adam optimiser that updates w.
/// Kept in float64: C numbers cost nothing, and meta-gradients flow into them from any classifier precision.
/// </summary>
public sealed class ClassSamplingWeights : IDisposable
{
    private readonly long[] classCounts;
    private readonly VectorAdam adam;

    /// <param name="classCounts">Training instances per class, n_c (all positive).</param>
    /// <param name="initPow">Initial s_c ∝ (n_c / Σn)^(−initPow); 0 gives s_c = 0.5, i.e. instance-uniform sampling.</param>
    /// <param name="learningRate">Adam learning rate of w (the original's sampler lr).</param>
    public ClassSamplingWeights(IReadOnlyList<long> classCounts, double initPow, double learningRate)
    {
        var initialLogits = InitialLogits(classCounts, initPow);
        this.classCounts = classCounts.ToArray();
        adam = new VectorAdam(classCounts.Count, learningRate);
        Logits = new Parameter(tensor(initialLogits, float64), requires_grad: true);
    }

    /// <summary>w, shape [C], float64, requires grad.</summary>
    public Parameter Logits { get; }

    public int NumClasses => classCounts.Length;

    public IReadOnlyList<long> ClassCounts => classCounts;

    /// <summary>
    /// The original's initialisation: p_c = n_c/Σn, u_c = p_c^(−initPow), u_c ← u_c/(min u + max u) ∈ (0, 1),
    /// w_c = log u_c − log(1 − u_c), so that sigmoid(w_c) = u_c.
    /// </summary>
    public static double[] InitialLogits(IReadOnlyList<long> classCounts, double initPow)
    {
        if (classCounts.Count == 0)
            throw new BalmsException("meta sampler needs at least one class");
        int emptyClass = classCounts.ToList().FindIndex(n => n <= 0);
        if (emptyClass >= 0)
            throw new BalmsException($"meta sampler: class {emptyClass} has no training samples; every class needs at least one");
        if (!double.IsFinite(initPow))
            throw new BalmsException($"meta sampler init_pow must be a finite number, got {initPow}");
        double total = classCounts.Sum();
        var u = classCounts.Select(n => Math.Pow(n / total, -initPow)).ToArray();
        double scale = u.Min() + u.Max();
        return u.Select(x => x / scale).Select(x => Math.Log(x) - Math.Log(1 - x)).ToArray();
    }

    /// <summary>Current w as plain numbers.</summary>
    public double[] LogitValues() => Logits.data<double>().ToArray();

    /// <summary>Current s_c = sigmoid(w_c), each instance's unnormalised sampling weight.</summary>
    public double[] SamplingWeights() => LogitValues().Select(w => 1 / (1 + Math.Exp(-w))).ToArray();

    /// <summary>Probability that a drawn instance belongs to class c: P(c) = n_c s_c / Σ_k n_k s_k.</summary>
    public double[] ClassProbabilities()
    {
        var mass = SamplingWeights().Select((s, c) => classCounts[c] * s).ToArray();
        double total = mass.Sum();
        return mass.Select(m => m / total).ToArray();
    }

    /// <summary>log s = logsigmoid(w), shape [C], differentiable with respect to <see cref="Logits"/>.</summary>
    public Tensor LogSamplingWeights() => nn.functional.logsigmoid(Logits);

    /// <summary>One Adam step on w with the given gradient dL/dw.</summary>
    public void ApplyGradient(ReadOnlySpan<double> gradient)
    {
        var values = LogitValues();
        adam.Step(values, gradient);
        SetLogits(values);
    }

    public MetaSamplerState GetState() =>
        new(LogitValues(), adam.FirstMoment.ToArray(), adam.SecondMoment.ToArray(), adam.StepCount);

    /// <summary>Restores w and the Adam state; <paramref name="sourceName"/> names the checkpoint in errors.</summary>
    public void LoadState(MetaSamplerState state, string sourceName)
    {
        if (state.NumClasses != NumClasses)
            throw new BalmsException($"{sourceName}: meta sampler state has {state.NumClasses} classes, expected {NumClasses}");
        state.Validate(sourceName);
        adam.Restore(state.AdamFirstMoment, state.AdamSecondMoment, state.AdamStep);
        SetLogits(state.Logits);
    }

    public void Dispose() => Logits.Dispose();

    private void SetLogits(double[] values)
    {
        using var noGrad = no_grad();
        using var source = tensor(values, float64);
        Logits.copy_(source);
    }
}
