using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// A per-class constant of a loss (a log-prior, class weights, margins) as a [C] tensor on the device and in the dtype
/// of the logits it meets, made once and made again only when those change. The loss holding it owns the tensor.
/// </summary>
internal sealed class PerClassVector(IReadOnlyList<double> values) : IDisposable
{
    private Tensor? _tensor;

    public IReadOnlyList<double> Values => values;

    public int Count => values.Count;

    /// <summary>The values on <paramref name="reference"/>'s device and in its dtype; owned by this vector.</summary>
    public Tensor Like(Tensor reference)
    {
        if (_tensor is null || !IsLike(_tensor, reference))
        {
            _tensor?.Dispose();
            // Kept across training steps, so the caller's per-step dispose scope must not own it.
            _tensor = tensor(values.ToArray(), reference.dtype, reference.device).DetachFromDisposeScope();
        }
        return _tensor;
    }

    public void Dispose() => _tensor?.Dispose();

    // Device has no value equality, so compare its parts.
    private static bool IsLike(Tensor tensor, Tensor reference) =>
        tensor.dtype == reference.dtype &&
        tensor.device_type == reference.device_type &&
        tensor.device_index == reference.device_index;
}
