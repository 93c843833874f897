using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// Backbone + classifier head. The submodule names feat_model and classifier are the original's network names, so a
/// checkpoint's keys read feat_model.layer1.0.conv1.weight, classifier.fc.weight, ...
/// </summary>
public sealed class LongTailModel : nn.Module<Tensor, Tensor>
{
    // Field names are the state_dict prefixes.
    private readonly FeatureExtractor feat_model;
    private readonly ClassifierHead classifier;

    public LongTailModel(string backboneName, FeatureExtractor backbone, ClassifierHead head) : base(nameof(LongTailModel))
    {
        BackboneName = backboneName;
        feat_model = backbone;
        classifier = head;
        RegisterComponents();
    }

    /// <param name="computeType">The backbone's <see cref="FeatureExtractor.ComputeType"/>.</param>
    /// <param name="head">The classifier head; null = linear.</param>
    public static LongTailModel Create(string backboneName, int inputChannels, int classCount,
        ScalarType computeType = ScalarType.Float32, HeadOptions? head = null)
    {
        var backbone = Backbones.Create(backboneName, inputChannels);
        backbone.ComputeType = computeType;
        return new LongTailModel(backboneName, backbone, BuiltFrom.Create<ClassifierHead>(head ?? new LinearHeadOptions(), backbone.FeatureDim, classCount));
    }

    public string BackboneName { get; }
    public FeatureExtractor Backbone => feat_model;
    public ClassifierHead Head => classifier;
    public int ClassCount => classifier.NumClasses;

    public override Tensor forward(Tensor images)
    {
        using var features = feat_model.call(images);
        return classifier.call(features);
    }

    /// <summary>Stops gradients to the backbone's weights (decoupled stage).</summary>
    public void FreezeBackbone()
    {
        foreach (var parameter in feat_model.parameters()) parameter.requires_grad = false;
    }
}
