using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// What one train-mode forward pass did to the running statistics of every BatchNorm layer of a module, kept so that
/// the same update can be made again without the forward. A second train-mode forward of the same batch would give
/// the same output (each layer normalises by the batch's own statistics), so its only effect is this update:
/// running ← (1 − m)·running + m·batch statistic, with m·batch statistic = after − (1 − m)·before of the recorded pass.
/// </summary>
public sealed class BatchNormUpdate : IDisposable
{
    private readonly List<(BatchNorm Layer, Tensor MeanStep, Tensor VarianceStep)> _steps;

    private BatchNormUpdate(List<(BatchNorm, Tensor, Tensor)> steps) => _steps = steps;

    /// <summary>
    /// Runs <paramref name="forward"/> and records its update of every BatchNorm layer of <paramref name="module"/> that
    /// is in train mode (layers in eval mode keep their statistics, and a replay leaves them alone too).
    /// </summary>
    /// <exception cref="InvalidOperationException">A layer has no momentum (a cumulative average cannot be replayed this way).</exception>
    public static BatchNormUpdate Record(nn.Module module, Action forward)
    {
        var layers = module.modules().OfType<BatchNorm>().Where(layer => layer.training && layer.track_running_stats).ToList();
        using var noGrad = no_grad();
        // Copies: the forward updates the running statistics in place.
        var before = layers.Select(layer => (Mean: layer.running_mean.to(float64, copy: true), Variance: layer.running_var.to(float64, copy: true))).ToList();
        forward();
        var steps = new List<(BatchNorm, Tensor, Tensor)>(layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            double keep = 1 - (layer.momentum ?? throw new InvalidOperationException("BatchNorm without momentum keeps a cumulative average, which a replay cannot repeat"));
            using var meanBefore = before[i].Mean;
            using var varianceBefore = before[i].Variance;
            using var meanAfter = layer.running_mean.to(float64, copy: true);
            using var varianceAfter = layer.running_var.to(float64, copy: true);
            var meanStep = (meanAfter - keep * meanBefore).DetachFromDisposeScope();
            var varianceStep = (varianceAfter - keep * varianceBefore).DetachFromDisposeScope();
            steps.Add((layer, meanStep, varianceStep));
        }
        return new BatchNormUpdate(steps);
    }

    /// <summary>Makes the recorded update again, as another train-mode forward of the same batch would.</summary>
    public void ApplyAgain()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (layer, meanStep, varianceStep) in _steps)
        {
            double keep = 1 - layer.momentum!.Value;
            layer.running_mean.copy_(keep * layer.running_mean.to(float64) + meanStep);
            layer.running_var.copy_(keep * layer.running_var.to(float64) + varianceStep);
            layer.num_batches_tracked.add_(1);
        }
    }

    public void Dispose()
    {
        foreach (var (_, meanStep, varianceStep) in _steps)
        {
            meanStep.Dispose();
            varianceStep.Dispose();
        }
    }
}
