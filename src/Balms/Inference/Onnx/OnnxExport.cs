using System.Globalization;
using System.Text.Json;
using Balms.Configuration;
using Balms.Data;
using Balms.Data.Transforms;
using Balms.Inference.Onnx.Format;
using Balms.Models;
using Balms.Training.Checkpoints;
using Google.Protobuf;

namespace Balms.Inference.Onnx;

/// <summary>
/// Writes a classifier's model as an ONNX file that ONNX Runtime (or any ONNX consumer) runs without libtorch: float32,
/// eval mode (batch norm folded into the convolutions), images [batch, channels, height, width] in, logits or
/// probabilities [batch, classes] out, with a dynamic batch dimension. The classifier's prior adjustment
/// (<see cref="ImageClassifier.LogitOffsets"/>) is added to the logits inside the graph. The file's metadata carries what
/// a consumer needs besides: class names, input size, preprocessing and normalisation constants, priors.
/// </summary>
public static class OnnxExport
{
    public const string Extension = ".onnx";

    /// <summary>
    /// The ai.onnx operator set of exported graphs. Every operator they use (Conv, Relu, Add, MaxPool,
    /// GlobalAveragePool, Flatten, Gemm, Slice, Pad, Softmax, Identity) has its current definition in opset 13, the
    /// first whose Softmax normalises along one axis only; ONNX Runtime has run it since version 1.6.
    /// </summary>
    public const int Opset = 13;

    /// <summary>The value of the <see cref="FormatKey"/> metadata entry.</summary>
    public const string Format = "balms-onnx/1";

    public const string InputName = "images", LogitsName = "logits", ProbabilitiesName = "probabilities";

    /// <summary>Metadata keys that <see cref="OnnxScores"/> reads back.</summary>
    internal const string FormatKey = "balms_format", OutputKey = "output", TargetPriorKey = "target_prior";

    // The IR version released with opset 13 (ONNX 1.8).
    private const long IrVersion = 7;
    private const string BatchDimension = "batch";

    /// <summary>
    /// Writes <paramref name="classifier"/>'s model to <paramref name="path"/> through a temporary file, so that a
    /// failure leaves no partial file.
    /// </summary>
    /// <param name="softmax">Output probabilities instead of logits.</param>
    /// <returns>The size of the file in bytes.</returns>
    /// <exception cref="BalmsException">The model has a part the exporter does not know, the classifier runs an
    /// exported model already, or the file cannot be written.</exception>
    public static long Write(ImageClassifier classifier, string path, bool softmax)
    {
        byte[] model = Build(classifier, softmax).ToByteArray();
        AtomicFile.Write(path, stream => stream.Write(model), "ONNX model");
        return model.Length;
    }

    private static ModelProto Build(ImageClassifier classifier, bool softmax)
    {
        var model = classifier.TorchModel;
        var input = classifier.Transform.OutputShape;
        var transformKey = PredictionTransform.KeyFor(classifier.Checkpoint);
        var info = classifier.Checkpoint with { InputTransform = transformKey.ToString(), ModelPrior = classifier.ModelPrior.ToKey() };
        var proto = Model(model, input, classifier.LogitOffsets, softmax);
        proto.DocString = $"{info.Backbone} with a {model.Head.GetType().Name}, trained as {info.Experiment} on {info.Dataset} " +
                          $"(epoch {info.Epoch}), exported from {Path.GetFileName(classifier.CheckpointPath)}";

        var normalization = ImageTransforms.TestNormalization(transformKey);
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [Checkpoint.InfoKey] = Checkpoint.InfoJson(info),
            ["class_names"] = JsonSerializer.Serialize(info.ClassNames),
            ["class_counts"] = JsonSerializer.Serialize(info.ClassCounts),
            ["input_channels"] = Text(input.Channels),
            ["input_height"] = Text(input.Height),
            ["input_width"] = Text(input.Width),
            ["input_transform"] = transformKey.ToString(),
            ["preprocessing"] = Preprocessing(transformKey, input.Channels),
            ["mean"] = JsonSerializer.Serialize(normalization.Mean),
            ["std"] = JsonSerializer.Serialize(normalization.Std),
            ["model_prior"] = classifier.ModelPrior.ToKey(),
            [OutputKey] = softmax ? ProbabilitiesName : LogitsName,
        };
        if (classifier.TargetPrior is { } target) metadata[TargetPriorKey] = JsonSerializer.Serialize(target);
        proto.MetadataProps.AddRange(metadata.Select(entry => new StringStringEntryProto { Key = entry.Key, Value = entry.Value }));
        return proto;
    }

    /// <summary>
    /// The model file without metadata: the graph of <paramref name="model"/> for inputs of <paramref name="input"/>'s
    /// shape, with <paramref name="offsets"/> added to the logits (no node when all are 0) and, with
    /// <paramref name="softmax"/>, a softmax over the classes.
    /// </summary>
    internal static ModelProto Model(LongTailModel model, SampleShape input, IReadOnlyList<double> offsets, bool softmax)
    {
        var proto = new ModelProto { IrVersion = IrVersion, ProducerName = "Balms", Graph = Graph(model, input, offsets, softmax).Proto };
        proto.OpsetImport.Add(new OperatorSetIdProto { Version = Opset });
        return proto;
    }

    private static OnnxGraph Graph(LongTailModel model, SampleShape input, IReadOnlyList<double> offsets, bool softmax)
    {
        var graph = new OnnxGraph();
        graph.Proto.Name = model.BackboneName;
        graph.Proto.Input.Add(FloatTensor(InputName, input.Channels, input.Height, input.Width));
        string logits = graph.Write(model, "", InputName);
        if (offsets.Any(offset => offset != 0))
        {
            float[] values = offsets.Select(offset => (float)offset).ToArray();
            logits = graph.Node("Add", "prior_adjustment", [logits, graph.Constant("prior_offsets", values, values.Length)]);
        }
        string output = softmax
            ? graph.Node("Softmax", ProbabilitiesName, [logits], OnnxGraph.Int("axis", 1))
            : graph.Node("Identity", LogitsName, [logits]);
        graph.Proto.Output.Add(FloatTensor(output, model.ClassCount));
        return graph;
    }

    /// <summary>What a consumer does to an image before it enters the graph, in words.</summary>
    private static string Preprocessing(TestTransformKey key, int channels) =>
        $"{ImageTransforms.DescribeTestResize(key)}; " +
        (channels == 1 ? "convert to grey as PIL's convert('L') does" : "RGB channel order") +
        "; every value v becomes (v / 255 - mean[c]) / std[c] for its channel c; " +
        $"float32 in the layout [{BatchDimension}, channels, height, width] as input '{InputName}'";

    /// <summary>A float32 tensor of shape [batch, <paramref name="dims"/>...], the batch dimension left free.</summary>
    private static ValueInfoProto FloatTensor(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.AddRange(dims.Select(size => new TensorShapeProto.Types.Dimension { DimValue = size }));
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
