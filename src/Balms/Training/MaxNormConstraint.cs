using Balms.Configuration;
using Balms.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Training;

/// <summary>
/// Weight balancing's MaxNorm (Alshammari et al., CVPR 2022), by projected gradient descent: after every optimiser step
/// each class's weight vector w_c of the linear classifier longer than the radius r is scaled back to length r, so no
/// class's norm can grow past it. r = min_c |w_c| + threshold * (max_c |w_c| - min_c |w_c|) of the classifier the stage
/// starts from, as the authors set their per-layer threshold; the bias is not constrained.
/// </summary>
public sealed class MaxNormConstraint
{
    private readonly Parameter _weight;

    private MaxNormConstraint(Parameter weight, double radius)
    {
        _weight = weight;
        Radius = radius;
    }

    public double Radius { get; }

    /// <summary>The constraint on <paramref name="head"/>, its radius from the head's current weights.</summary>
    /// <exception cref="BalmsException">The head is not linear (no free per-class norms to constrain).</exception>
    public static MaxNormConstraint For(ClassifierHead head, MaxNormOptions options)
    {
        var linear = head as LinearClassifier
                     ?? throw new BalmsException($"'training.max_norm' constrains the per-class weights of the linear classifier, not of {head.GetType().Name}");
        using var scope = NewDisposeScope();
        var norms = RowNorms(linear.Weight);
        double smallest = norms.min().item<float>(), largest = norms.max().item<float>();
        return new MaxNormConstraint(linear.Weight, smallest + options.Threshold * (largest - smallest));
    }

    /// <summary>Scales every class's weight vector longer than <see cref="Radius"/> back onto the ball.</summary>
    public void Project()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var shrink = (Radius / RowNorms(_weight)).clamp_max(1);
        _weight.mul_(shrink);
    }

    private static Tensor RowNorms(Tensor weight) => weight.detach().norm(1, keepdim: true);
}
