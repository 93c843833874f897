using Balms.Data.Readers.Pickle;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>
/// An object of a class the reader gives no meaning to (a numpy scalar, an argparse namespace, a whole nn.Module, ...).
/// It stays an inert placeholder, so that the tensors next to it can still be read.
/// </summary>
internal sealed record OpaqueObject(PickleGlobal Type);

/// <summary>One storage of a torch.save archive, as its persistent id names it: data/&lt;Key&gt; holds ElementCount values.</summary>
internal sealed record StorageReference(string Key, ScalarType Dtype, int ElementSize, long ElementCount)
{
    public long ByteCount => ElementCount * ElementSize;
}

/// <summary>
/// Reads the pickle (data.pkl) of a torch.save archive: plain Python values (see <see cref="PickleMachine"/> for how
/// they come back) and tensors, whose storages the pickle names by persistent ids. No Python code is ever run: only
/// collections.OrderedDict and torch's tensor and parameter rebuilders are interpreted; any other class yields an
/// <see cref="OpaqueObject"/> and its state is ignored.
/// </summary>
internal sealed class TorchPickleReader : PickleMachine
{
    /// <summary>Builds a tensor of the given shape and strides that starts <c>offset</c> elements into a storage.</summary>
    public delegate Tensor TensorRebuilder(StorageReference storage, long offset, long[] shape, long[] strides);

    private static readonly Dictionary<string, (ScalarType Dtype, int Size)> StorageTypes = new()
    {
        ["DoubleStorage"] = (ScalarType.Float64, 8), ["FloatStorage"] = (ScalarType.Float32, 4),
        ["HalfStorage"] = (ScalarType.Float16, 2), ["BFloat16Storage"] = (ScalarType.BFloat16, 2),
        ["LongStorage"] = (ScalarType.Int64, 8), ["IntStorage"] = (ScalarType.Int32, 4),
        ["ShortStorage"] = (ScalarType.Int16, 2), ["CharStorage"] = (ScalarType.Int8, 1),
        ["ByteStorage"] = (ScalarType.Byte, 1), ["BoolStorage"] = (ScalarType.Bool, 1),
        ["UntypedStorage"] = (ScalarType.Byte, 1),
    };

    private readonly string _file;
    private readonly TensorRebuilder _rebuildTensor;

    private TorchPickleReader(byte[] pickle, string file, TensorRebuilder rebuildTensor) : base(new MemoryStream(pickle, writable: false))
    {
        _file = file;
        _rebuildTensor = rebuildTensor;
    }

    /// <param name="pickle">The whole pickle stream.</param>
    /// <param name="file">Named in error messages.</param>
    /// <param name="rebuildTensor">Turns a storage reference into a tensor (the archive holds the bytes).</param>
    public static object? Read(byte[] pickle, string file, TensorRebuilder rebuildTensor) =>
        new TorchPickleReader(pickle, file, rebuildTensor).Run();

    protected override object? Call(object? callable, object?[] arguments)
    {
        if (callable is not PickleGlobal function) return Opaque(callable);
        switch (function.Module, function.Name)
        {
            case ("collections", "OrderedDict"):
                var dict = new Dictionary<object, object?>();
                if (arguments.Length > 0 && arguments[0] is List<object?> pairs)
                    foreach (var pair in pairs.Cast<object?[]>()) dict.Add(pair[0]!, pair[1]);
                return dict;
            case ("torch._utils", "_rebuild_tensor" or "_rebuild_tensor_v2"):
                return _rebuildTensor((StorageReference)arguments[0]!, (long)arguments[1]!, LongTuple(arguments[2]), LongTuple(arguments[3]));
            case ("torch._utils", "_rebuild_parameter" or "_rebuild_parameter_with_state"):
                return (Tensor)arguments[0]!;
            case ("torch._utils", "_rebuild_from_type_v2"):
                // (rebuild function, tensor subclass, its arguments, attributes): the plain tensor is all that is needed.
                return Call(arguments[0], (object?[])arguments[2]!);
            default:
                return Opaque(function);
        }
    }

    protected override object? NewObject(object? type, object?[] arguments) =>
        type is PickleGlobal { Module: "collections", Name: "OrderedDict" } ? new Dictionary<object, object?>() : Opaque(type);

    protected override void Build(object? target, object? state)
    {
        // Object state (attributes such as a state dict's _metadata) is not needed.
    }

    protected override object? PersistentLoad(object? id)
    {
        // torch.save's persistent id: ('storage', storage class, key, location, element count).
        var fields = (object?[])id!;
        if (fields.Length != 5 || fields[0] as string != "storage")
            throw new InvalidCastException();
        var storageClass = (PickleGlobal)fields[1]!;
        if (!StorageTypes.TryGetValue(storageClass.Name, out var type))
            throw new BalmsException($"{_file}: tensors of type {storageClass} are not supported; save the checkpoint with real-valued tensors");
        long elementCount = (long)fields[4]!;
        if (elementCount < 0) throw new OverflowException();
        return new StorageReference((string)fields[2]!, type.Dtype, type.Size, elementCount);
    }

    protected override Exception Corrupt(string what, long position) =>
        new BalmsException($"{_file}: corrupt checkpoint: its pickle (data.pkl) breaks at byte {position}: {what}");

    private static OpaqueObject Opaque(object? type) =>
        new(type as PickleGlobal ?? (type as OpaqueObject)?.Type ?? new PickleGlobal("?", "?"));

    private static long[] LongTuple(object? tuple) => ((object?[])tuple!).Select(d => (long)d!).ToArray();
}
