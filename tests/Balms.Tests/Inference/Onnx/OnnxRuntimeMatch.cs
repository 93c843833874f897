using Balms.Data;
using Balms.Inference.Onnx;
using Balms.Models;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Tests.Inference.Onnx;

/// <summary>
/// Runs a model's exported graph in ONNX Runtime (all graph optimisations on) beside the model itself in TorchSharp,
/// and makes models whose batch norms are far from the identity, so that a fold that got the statistics wrong shows.
/// </summary>
internal static class OnnxRuntimeMatch
{
    /// <summary>ONNX Runtime's outputs for <paramref name="images"/>, [B, classes].</summary>
    public static float[] Run(byte[] model, Tensor images)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model, options);
        using var contiguous = images.contiguous();
        using var input = OrtValue.CreateTensorValueFromMemory(contiguous.data<float>().ToArray(), contiguous.shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [OnnxExport.InputName], [input], [session.OutputNames.Single()]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The graph file of <paramref name="model"/>, plain logits.</summary>
    public static byte[] Export(LongTailModel model, SampleShape input) =>
        OnnxExport.Model(model, input, new double[model.ClassCount], softmax: false).ToByteArray();

    /// <summary>
    /// A model of <paramref name="backbone"/> in eval mode with every batch norm given random γ, β, running mean and
    /// running variance (the rest as initialised).
    /// </summary>
    public static LongTailModel RandomModel(string backbone, int channels, int classes, ulong seed)
    {
        var model = LongTailModel.Create(backbone, channels, classes);
        var generator = new Generator(seed);
        using (no_grad())
        {
            foreach (var norm in model.modules().OfType<BatchNorm2d>())
            {
                Fill(norm.weight!, rand(norm.num_features, generator: generator).add_(0.5));
                Fill(norm.bias!, randn(norm.num_features, generator: generator).mul_(0.1));
                Fill(norm.running_mean!, randn(norm.num_features, generator: generator).mul_(0.1));
                Fill(norm.running_var!, rand(norm.num_features, generator: generator).mul_(1.5).add_(0.5));
            }
        }
        model.eval();
        return model;
    }

    /// <summary>The model's own logits in TorchSharp, [B, classes].</summary>
    public static float[] Logits(LongTailModel model, Tensor images)
    {
        using var noGrad = no_grad();
        using var logits = model.call(images);
        return logits.contiguous().data<float>().ToArray();
    }

    /// <summary>The largest difference, relative to the largest magnitude of <paramref name="expected"/>.</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(value => Math.Abs((double)value));
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max() / scale;
    }

    private static void Fill(Tensor target, Tensor values)
    {
        using (values) target.copy_(values);
    }
}
