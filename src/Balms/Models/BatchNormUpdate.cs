using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// What one train-mode forward pass did to the running statistics of every BatchNorm layer of a module, kept so that
/// the same update can be made again without the forward, or taken back. A second train-mode forward of the same batch
/// would give the same output (each layer normalises by the batch's own statistics), so its only effect is this update:
/// running ← (1 − m)·running + m·batch statistic, with m·batch statistic = after − (1 − m)·before of the recorded pass.
/// </summary>
public sealed class BatchNormUpdate : IDisposable
{
    private sealed record LayerUpdate(BatchNorm Layer, Tensor MeanBefore, Tensor VarianceBefore, Tensor MeanStep, Tensor VarianceStep);

    private readonly List<LayerUpdate> _layers;

    private BatchNormUpdate(List<LayerUpdate> layers) => _layers = layers;

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
        var before = layers.Select(layer => (Mean: Float64Copy(layer.running_mean), Variance: Float64Copy(layer.running_var))).ToList();
        forward();
        var updates = new List<LayerUpdate>(layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            double keep = 1 - (layer.momentum ?? throw new InvalidOperationException("BatchNorm without momentum keeps a cumulative average, which a replay cannot repeat"));
            using var meanAfter = layer.running_mean.to(float64, copy: true);
            using var varianceAfter = layer.running_var.to(float64, copy: true);
            updates.Add(new LayerUpdate(layer, before[i].Mean, before[i].Variance,
                (meanAfter - keep * before[i].Mean).DetachFromDisposeScope(), (varianceAfter - keep * before[i].Variance).DetachFromDisposeScope()));
        }
        return new BatchNormUpdate(updates);
    }

    /// <summary>Makes the recorded update again, as another train-mode forward of the same batch would.</summary>
    public void ApplyAgain()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var update in _layers)
        {
            double keep = 1 - update.Layer.momentum!.Value;
            update.Layer.running_mean.copy_(keep * update.Layer.running_mean.to(float64) + update.MeanStep);
            update.Layer.running_var.copy_(keep * update.Layer.running_var.to(float64) + update.VarianceStep);
            update.Layer.num_batches_tracked.add_(1);
        }
    }

    /// <summary>
    /// Takes the recorded update back, right after the pass: the running statistics are again what they were before it,
    /// as if the pass had run with them frozen (its output, normalised by the batch's own statistics, is unchanged).
    /// </summary>
    public void Undo()
    {
        using var noGrad = no_grad();
        foreach (var update in _layers)
        {
            update.Layer.running_mean.copy_(update.MeanBefore);
            update.Layer.running_var.copy_(update.VarianceBefore);
            update.Layer.num_batches_tracked.sub_(1);
        }
    }

    public void Dispose()
    {
        foreach (var update in _layers)
        {
            update.MeanBefore.Dispose();
            update.VarianceBefore.Dispose();
            update.MeanStep.Dispose();
            update.VarianceStep.Dispose();
        }
    }

    private static Tensor Float64Copy(Tensor statistic) => statistic.to(float64, copy: true).DetachFromDisposeScope();
}
