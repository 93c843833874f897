using Balms.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The dot-product classifier head: logits = W·f + b, with PyTorch's nn.Linear initialisation (W and b uniform in
/// ±1/√featureDim). Its parameters are keyed fc.weight and fc.bias, as in the original checkpoints.
/// </summary>
[BuiltFrom(typeof(LinearHeadOptions))]
public sealed class LinearClassifier : ClassifierHead
{
    // The field name is the PyTorch module name, which prefixes the state_dict keys.
    private readonly Linear fc;

    public LinearClassifier(int featureDim, int numClasses) : base(nameof(LinearClassifier), featureDim, numClasses)
    {
        fc = nn.Linear(featureDim, numClasses);
        RegisterComponents();
        ResetParameters();
    }

    public LinearClassifier(LinearHeadOptions options, int featureDim, int numClasses) : this(featureDim, numClasses) { }

    public Parameter Weight => fc.weight!;

    public Parameter Bias => fc.bias!;

    /// <summary>Features [B, FeatureDim] to logits [B, NumClasses].</summary>
    public override Tensor forward(Tensor features) => fc.call(features);

    /// <summary>W and b from U(−1/√featureDim, 1/√featureDim), as nn.Linear draws them.</summary>
    public override void ResetParameters()
    {
        double bound = 1.0 / Math.Sqrt(FeatureDim);
        using var noGrad = no_grad();
        nn.init.uniform_(fc.weight, -bound, bound);
        nn.init.uniform_(fc.bias!, -bound, bound);
    }
}
