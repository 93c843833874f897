using Balms.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Inference.Onnx;

/// <summary>Adds the nodes of one module to a graph and returns the name of the module's output value.</summary>
internal delegate string ModuleWriter(OnnxGraph graph, nn.Module module, string path, string input);

/// <summary>
/// How each kind of module becomes ONNX nodes, in eval mode: batch norm uses its running statistics and is folded into
/// the convolution before it. A writer finds a module's parts by their state-dict names (conv1, bn1, layer1,
/// downsample, fc, ...), which checkpoints already depend on. Exporting a new kind of module, e.g. another classifier
/// head, takes one writer and one line in <see cref="Writers"/>.
/// </summary>
internal static class OnnxModuleWriters
{
    private static readonly Dictionary<Type, ModuleWriter> Writers = new()
    {
        [typeof(LongTailModel)] = BackboneThenHead,
        // Backbones and their parts.
        [typeof(ResNet32)] = (graph, module, path, input) => ResidualNetwork(graph, module, path, input, maxPoolStem: false),
        [typeof(ImageNetResNet)] = (graph, module, path, input) => ResidualNetwork(graph, module, path, input, maxPoolStem: true),
        [typeof(Sequential)] = InOrder,
        [typeof(BasicBlock)] = ResidualBlock,
        [typeof(Bottleneck)] = ResidualBlock,
        [typeof(OptionAShortcut)] = StridedChannelPadding,
        [typeof(ProjectionShortcut)] = Projection,
        // Classifier heads.
        [typeof(LinearClassifier)] = Linear,
    };

    /// <exception cref="BalmsException">No writer knows the module's type.</exception>
    public static ModuleWriter For(nn.Module module, string path) =>
        Writers.TryGetValue(module.GetType(), out var writer)
            ? writer
            : throw new BalmsException($"cannot export {(path.Length > 0 ? path : "the model")} to ONNX: it is a {module.GetType().Name}, which the exporter does not know yet (it knows {string.Join(", ", Writers.Keys.Select(type => type.Name))})");

    private static string BackboneThenHead(OnnxGraph graph, nn.Module model, string path, string input)
    {
        var parts = Parts(model);
        string features = graph.Write(parts["feat_model"], Join(path, "feat_model"), input);
        return graph.Write(parts["classifier"], Join(path, "classifier"), features);
    }

    /// <summary>
    /// conv1 + bn1 + ReLU, a 3×3 stride-2 max pooling for the ImageNet networks, the stages layer1, layer2, ... in
    /// order, then global average pooling to [B, channels].
    /// </summary>
    private static string ResidualNetwork(OnnxGraph graph, nn.Module network, string path, string input, bool maxPoolStem)
    {
        var parts = Parts(network);
        string stem = Join(path, "conv1");
        string maps = graph.Node("Relu", $"{stem}/relu",
            [graph.ConvolutionWithBatchNorm((Conv2d)parts["conv1"], (BatchNorm2d)parts["bn1"], stem, input)]);
        if (maxPoolStem)
            maps = graph.Node("MaxPool", Join(path, "maxpool"), [maps],
                OnnxGraph.Ints("kernel_shape", [3, 3]), OnnxGraph.Ints("strides", [2, 2]), OnnxGraph.Ints("pads", [1, 1, 1, 1]));
        foreach (var (name, stage) in network.named_children().Where(part => part.name.StartsWith("layer", StringComparison.Ordinal)))
            maps = graph.Write(stage, Join(path, name), maps);
        string pooled = graph.Node("GlobalAveragePool", Join(path, "avgpool"), [maps]);
        return graph.Node("Flatten", Join(path, "features"), [pooled], OnnxGraph.Int("axis", 1));
    }

    private static string InOrder(OnnxGraph graph, nn.Module sequence, string path, string input)
    {
        string value = input;
        foreach (var (name, module) in sequence.named_children()) value = graph.Write(module, Join(path, name), value);
        return value;
    }

    /// <summary>
    /// Basic block (conv1, conv2) or bottleneck (conv1, conv2, conv3): each convolution with its batch norm, a ReLU
    /// between them, then the shortcut (downsample, or the input itself) added and a last ReLU.
    /// </summary>
    private static string ResidualBlock(OnnxGraph graph, nn.Module block, string path, string input)
    {
        var parts = Parts(block);
        string value = input;
        for (int layer = 1; parts.TryGetValue($"conv{layer}", out var convolution); layer++)
        {
            string name = Join(path, $"conv{layer}");
            value = graph.ConvolutionWithBatchNorm((Conv2d)convolution, (BatchNorm2d)parts[$"bn{layer}"], name, value);
            if (parts.ContainsKey($"conv{layer + 1}")) value = graph.Node("Relu", $"{name}/relu", [value]);
        }
        string shortcut = parts.TryGetValue("downsample", out var downsample) ? graph.Write(downsample, Join(path, "downsample"), input) : input;
        string sum = graph.Node("Add", $"{path}/add", [value, shortcut]);
        return graph.Node("Relu", $"{path}/relu", [sum]);
    }

    /// <summary>The option-A shortcut: every second row and column (Slice with step 2), then zero channels on both sides (Pad).</summary>
    private static string StridedChannelPadding(OnnxGraph graph, nn.Module shortcut, string path, string input)
    {
        long padding = ((OptionAShortcut)shortcut).ChannelPaddingPerSide;
        string strided = graph.Node("Slice", $"{path}/stride", [
            input,
            graph.Constant($"{path}/starts", [0L, 0L], 2),
            graph.Constant($"{path}/ends", [long.MaxValue, long.MaxValue], 2),
            graph.Constant($"{path}/axes", [2L, 3L], 2),
            graph.Constant($"{path}/steps", [2L, 2L], 2),
        ]);
        // Pad lists the amount before every axis (N, C, H, W), then after every axis.
        return graph.Node("Pad", $"{path}/pad", [strided, graph.Constant($"{path}/pads", [0, padding, 0, 0, 0, padding, 0, 0], 8)]);
    }

    /// <summary>torchvision's downsample: a strided 1×1 convolution (part "0") and its batch norm (part "1").</summary>
    private static string Projection(OnnxGraph graph, nn.Module shortcut, string path, string input)
    {
        var parts = Parts(shortcut);
        return graph.ConvolutionWithBatchNorm((Conv2d)parts["0"], (BatchNorm2d)parts["1"], Join(path, "0"), input);
    }

    /// <summary>logits = features · Wᵀ + b, one Gemm.</summary>
    private static string Linear(OnnxGraph graph, nn.Module head, string path, string input)
    {
        var fc = (TorchSharp.Modules.Linear)Parts(head)["fc"];
        string name = Join(path, "fc");
        string weight = graph.Constant($"{name}.weight", OnnxGraph.Float32(fc.weight!), fc.out_features, fc.in_features);
        string bias = graph.Constant($"{name}.bias", OnnxGraph.Float32(fc.bias!), fc.out_features);
        return graph.Node("Gemm", name, [input, weight, bias], OnnxGraph.Int("transB", 1));
    }

    private static Dictionary<string, nn.Module> Parts(nn.Module module) =>
        module.named_children().ToDictionary(child => child.name, child => child.module);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
