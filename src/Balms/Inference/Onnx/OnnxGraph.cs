using System.Runtime.InteropServices;
using Balms.Inference.Onnx.Format;
using Google.Protobuf;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Inference.Onnx;

/// <summary>
/// An ONNX graph under construction. <see cref="Write"/> adds the nodes of a module through the writer registered for
/// its type (<see cref="OnnxModuleWriters"/>); writers build on the helpers here. Nodes and the values they compute
/// are named after the module path (feat_model.layer1.0.conv1, like the state-dict keys), so the graph reads like the
/// model in a viewer such as Netron. Weights are copied out of the modules as they are written: the graph does not
/// refer to the model afterwards.
/// </summary>
internal sealed class OnnxGraph
{
    public GraphProto Proto { get; } = new();

    /// <summary>Adds the nodes of <paramref name="module"/> applied to the value <paramref name="input"/>.</summary>
    /// <param name="path">The module's dotted path in the model, the prefix of every name it adds.</param>
    /// <returns>The name of the module's output value.</returns>
    /// <exception cref="BalmsException">No writer knows the module's type.</exception>
    public string Write(nn.Module module, string path, string input) => OnnxModuleWriters.For(module, path)(this, module, path, input);

    /// <summary>Adds one node with a single output named <paramref name="name"/>, and returns that name.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return name;
    }

    /// <summary>A float32 constant of the graph, stored little-endian in raw_data.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Constant(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An int64 constant of the graph (shapes, axes, pads).</summary>
    public string Constant(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Constant(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>
    /// A convolution followed by its batch norm in eval mode, folded into one Conv node: with s = γ / √(running_var + ε)
    /// per output channel, the kernel becomes W·s and the bias β − running_mean·s (plus b·s for a convolution with a
    /// bias). The fold is computed in float64 and rounded to float32 once.
    /// </summary>
    public string ConvolutionWithBatchNorm(Conv2d convolution, BatchNorm2d norm, string name, string input)
    {
        using var scope = NewDisposeScope();
        var scale = Float64(norm.weight!) / (Float64(norm.running_var!) + norm.eps).sqrt();
        var kernel = Float64(convolution.weight!) * scale.view(-1, 1, 1, 1);
        var shift = Float64(norm.bias!) - Float64(norm.running_mean!) * scale;
        if (convolution.bias is { } bias) shift += Float64(bias) * scale;
        string weights = Constant($"{name}.weight", Float32(kernel), kernel.shape);
        string biases = Constant($"{name}.bias", Float32(shift), shift.shape);
        long[] padding = convolution.padding
                         ?? throw new BalmsException($"cannot export {name} to ONNX: its padding is a mode, not a number of pixels");
        return Node("Conv", name, [input, weights, biases],
            Ints("kernel_shape", convolution.kernel_size),
            Ints("strides", convolution.stride),
            // ONNX lists the padding at the start of every spatial axis, then at its end.
            Ints("pads", [.. padding, .. padding]),
            Ints("dilations", convolution.dilation),
            Int("group", convolution.groups));
    }

    /// <summary>The values of a parameter or buffer in row-major order, as float32.</summary>
    public static float[] Float32(Tensor tensor)
    {
        using var values = tensor.detach().cpu().to(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static Tensor Float64(Tensor tensor) => tensor.detach().cpu().to(ScalarType.Float64);

    private string Constant(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> littleEndian, long[] dims)
    {
        // raw_data is little-endian by definition, as the memory of every platform TorchSharp runs on.
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        tensor.Dims.AddRange(dims);
        Proto.Initializer.Add(tensor);
        return name;
    }
}
