using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The dot-product classifier head: logits = W·f + b, with PyTorch's nn.Linear initialisation (W and b uniform in
/// ±1/√featureDim). Its parameters are keyed fc.weight and fc.bias, as in the original checkpoints.
/// </summary>
public sealed class LinearClassifier : nn.Module<Tensor, Tensor>
{
    // The field name is the PyTorch module name, which prefixes the state_dict keys.
    private readonly Linear fc;

    public LinearClassifier(int featureDim, int numClasses) : base(nameof(LinearClassifier))
    {
        if (featureDim < 1)
            throw new BalmsException($"The classifier needs a feature dimension of at least 1, got {featureDim}.");
        if (numClasses < 1)
            throw new BalmsException($"The classifier needs at least 1 class, got {numClasses}.");
        FeatureDim = featureDim;
        NumClasses = numClasses;
        fc = nn.Linear(featureDim, numClasses);
        RegisterComponents();
        ResetParameters();
    }

    public int FeatureDim { get; }

    public int NumClasses { get; }

    /// <summary>Features [B, FeatureDim] to logits [B, NumClasses].</summary>
    public override Tensor forward(Tensor features) => fc.call(features);

    /// <summary>
    /// Draws fresh weights and biases from U(−1/√featureDim, 1/√featureDim), as the decoupled second stage does
    /// before training the head on a frozen backbone.
    /// </summary>
    public void ResetParameters()
    {
        double bound = 1.0 / Math.Sqrt(FeatureDim);
        using var noGrad = no_grad();
        nn.init.uniform_(fc.weight, -bound, bound);
        nn.init.uniform_(fc.bias!, -bound, bound);
    }
}
