using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The classifier on top of a backbone: features [B, FeatureDim] to logits [B, NumClasses]. Its parameters sit under
/// the model's <c>classifier.</c> prefix in checkpoints.
/// </summary>
public abstract class ClassifierHead : nn.Module<Tensor, Tensor>
{
    protected ClassifierHead(string name, int featureDim, int numClasses) : base(name)
    {
        if (featureDim < 1)
            throw new BalmsException($"The classifier needs a feature dimension of at least 1, got {featureDim}.");
        if (numClasses < 1)
            throw new BalmsException($"The classifier needs at least 1 class, got {numClasses}.");
        FeatureDim = featureDim;
        NumClasses = numClasses;
    }

    public int FeatureDim { get; }

    public int NumClasses { get; }

    /// <summary>Draws fresh parameters, as a decoupled stage does before training a new head on a frozen backbone.</summary>
    public abstract void ResetParameters();
}
