using Balms.Models;
using static TorchSharp.torch;

namespace Balms.Inference;

/// <summary>
/// What <see cref="ImageClassifier"/> runs prepared images through: a TorchSharp model, or an exported model in ONNX
/// Runtime (<see cref="Onnx.OnnxScores"/>).
/// </summary>
internal interface IClassScores : IDisposable
{
    /// <summary>
    /// Scores [B, classes] in float64 whose softmax over the classes gives the probabilities (logits, or
    /// log-probabilities), of images [B, channels, height, width] prepared with the model's test transform.
    /// </summary>
    Tensor Of(Tensor images);
}

/// <summary>The logits of a TorchSharp model in eval mode.</summary>
internal sealed class TorchScores(LongTailModel model) : IClassScores
{
    public LongTailModel Model { get; } = model;

    public Tensor Of(Tensor images)
    {
        using var logits = Model.call(images);
        return logits.to(ScalarType.Float64);
    }

    public void Dispose() => Model.Dispose();
}
