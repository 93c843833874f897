using System.Text.Json;
using Balms.Training.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Inference.Onnx;

/// <summary>
/// A model written by <see cref="OnnxExport"/>, run by ONNX Runtime on the CPU with all graph optimisations on. Its
/// metadata tells what the checkpoint it came from recorded, whether it outputs logits or probabilities, and the prior
/// it was exported for.
/// </summary>
internal sealed class OnnxScores : IClassScores
{
    private readonly InferenceSession _session;
    private readonly string _output;

    private OnnxScores(InferenceSession session, CheckpointInfo info, string output, double[]? targetPrior)
    {
        _session = session;
        _output = output;
        Info = info;
        TargetPrior = targetPrior;
    }

    /// <summary>What the checkpoint the model was exported from records, as the export stored it.</summary>
    public CheckpointInfo Info { get; }

    /// <summary>The prior the model's outputs were adjusted to at export; null = the model's own.</summary>
    public double[]? TargetPrior { get; }

    /// <exception cref="BalmsException">The file is missing, not an ONNX model, or not one written by ./balms export.</exception>
    public static OnnxScores Open(string path)
    {
        if (!File.Exists(path)) throw new BalmsException($"model not found: {path}");
        InferenceSession session;
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BalmsException($"{path} is not an ONNX model that ONNX Runtime can load ({e.Message.Split('\n')[0].Trim()})", e);
        }
        try
        {
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (metadata.GetValueOrDefault(OnnxExport.FormatKey) != OnnxExport.Format || Checkpoint.ReadInfo(metadata, path) is not { } info)
                throw new BalmsException($"{path} is an ONNX model, but not one written by ./balms export (its metadata has no {OnnxExport.FormatKey}: {OnnxExport.Format}), so its class names and preprocessing are unknown");
            string output = metadata.GetValueOrDefault(OnnxExport.OutputKey) ?? "";
            RequireGraph(session, path, info, output);
            double[]? targetPrior = metadata.TryGetValue(OnnxExport.TargetPriorKey, out var prior)
                ? ReadPrior(prior, info.ClassCount, path)
                : null;
            return new OnnxScores(session, info, output, targetPrior);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public Tensor Of(Tensor images)
    {
        using var pixels = images.cpu().to(ScalarType.Float32).contiguous();
        using var input = OrtValue.CreateTensorValueFromMemory(pixels.data<float>().ToArray(), pixels.shape);
        using var run = new RunOptions();
        using var results = _session.Run(run, [OnnxExport.InputName], [input], [_output]);
        float[] values = results[0].GetTensorDataAsSpan<float>().ToArray();
        var scores = torch.tensor(values, [pixels.shape[0], Info.ClassCount], ScalarType.Float64);
        // The softmax of log-probabilities gives the probabilities back, so prior offsets apply to both outputs alike.
        return _output == OnnxExport.ProbabilitiesName ? scores.log_() : scores;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>The graph's input and output must be what the metadata says, or predictions would be garbage.</summary>
    private static void RequireGraph(InferenceSession session, string path, CheckpointInfo info, string output)
    {
        string Problem()
        {
            if (output is not (OnnxExport.LogitsName or OnnxExport.ProbabilitiesName))
                return $"its metadata names the output '{output}', not {OnnxExport.LogitsName} or {OnnxExport.ProbabilitiesName}";
            if (!session.InputMetadata.TryGetValue(OnnxExport.InputName, out var input) || input.Dimensions.Length != 4 || input.Dimensions[1] != info.InputChannels)
                return $"it has no input '{OnnxExport.InputName}' of {info.InputChannels}-channel images";
            if (!session.OutputMetadata.TryGetValue(output, out var scores) || scores.Dimensions is not [_, var classes] || classes != info.ClassCount)
                return $"it has no output '{output}' of {info.ClassCount} classes";
            return "";
        }
        if (Problem() is { Length: > 0 } problem)
            throw new BalmsException($"{path}: the graph does not match its Balms metadata: {problem}");
    }

    private static double[] ReadPrior(string json, int classCount, string path)
    {
        try
        {
            if (JsonSerializer.Deserialize<double[]>(json) is { } prior && prior.Length == classCount) return prior;
        }
        catch (JsonException)
        {
            // Reported below with the rest of what can be wrong with the entry.
        }
        throw new BalmsException($"{path}: its {OnnxExport.TargetPriorKey} metadata is not a list of {classCount} class probabilities");
    }
}
