using Balms.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The normalised (cosine) classifier of LDAM (the authors' NormedLinear): logits = scale * cos(f, w_c), the features
/// and each class's weight vector scaled to unit length, no bias. Its parameter is keyed weight, shape
/// [NumClasses, FeatureDim].
/// </summary>
[BuiltFrom(typeof(CosineHeadOptions))]
public sealed class CosineClassifier : ClassifierHead
{
    // The field name is the state_dict key.
    private readonly Parameter weight;

    public CosineClassifier(CosineHeadOptions options, int featureDim, int numClasses) : base(nameof(CosineClassifier), featureDim, numClasses)
    {
        Scale = options.Scale;
        weight = new Parameter(empty(numClasses, featureDim));
        RegisterComponents();
        ResetParameters();
    }

    /// <summary>s, the logit of a feature that points exactly along its class's weight vector.</summary>
    public double Scale { get; }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor features)
    {
        using var unitFeatures = nn.functional.normalize(features, p: 2, dim: 1);
        using var unitWeights = nn.functional.normalize(weight, p: 2, dim: 1);
        using var cosines = unitFeatures.matmul(unitWeights.t());
        return cosines * Scale;
    }

    /// <summary>Uniform in [-1, 1), as the authors draw it (only the directions matter).</summary>
    public override void ResetParameters()
    {
        using var noGrad = no_grad();
        nn.init.uniform_(weight, -1, 1);
    }
}
