using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Inference;

/// <summary>
/// A model whose logits are shifted by fixed per-class offsets (see <see cref="PriorAdjustment"/>), so that code that
/// takes a model (the evaluator) sees the prior-adjusted predictions. The wrapped model is neither owned nor switched
/// between train and eval mode: put it in eval mode first.
/// </summary>
public sealed class PriorAdjustedModel : nn.Module<Tensor, Tensor>
{
    private readonly LongTailModel _model;
    private readonly Tensor _offsets;

    public PriorAdjustedModel(LongTailModel model, IReadOnlyList<double> offsets, Device device) : base(nameof(PriorAdjustedModel))
    {
        if (offsets.Count != model.ClassCount)
            throw new BalmsException($"{offsets.Count} prior offsets for a model of {model.ClassCount} classes");
        _model = model;
        _offsets = torch.tensor(offsets.Select(o => (float)o).ToArray(), device: device).DetachFromDisposeScope();
    }

    public override Tensor forward(Tensor images)
    {
        using var logits = _model.call(images);
        return logits + _offsets;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _offsets.Dispose();
        base.Dispose(disposing);
    }
}
