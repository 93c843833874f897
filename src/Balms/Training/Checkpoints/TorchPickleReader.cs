using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>A Python global (module.name) named by a pickle.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

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
/// Reads the pickle (data.pkl) of a torch.save archive: the Python values of protocols 2 to 4 (None, bool, int, float,
/// str, bytes, tuple, list, dict, set) and tensors. Dicts come back as Dictionary&lt;object, object?&gt; in insertion order,
/// lists and sets as List&lt;object?&gt;, tuples as object?[], ints as long. No Python code is ever run: only
/// collections.OrderedDict and torch's tensor and parameter rebuilders are interpreted; any other class yields an
/// <see cref="OpaqueObject"/> and its state is ignored.
/// </summary>
internal sealed class TorchPickleReader
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

    private readonly byte[] _pickle;
    private readonly string _file;
    private readonly TensorRebuilder _rebuildTensor;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;

    private TorchPickleReader(byte[] pickle, string file, TensorRebuilder rebuildTensor)
    {
        _pickle = pickle;
        _file = file;
        _rebuildTensor = rebuildTensor;
    }

    /// <param name="pickle">The whole pickle stream.</param>
    /// <param name="file">Named in error messages.</param>
    /// <param name="rebuildTensor">Turns a storage reference into a tensor (the archive holds the bytes).</param>
    public static object? Read(byte[] pickle, string file, TensorRebuilder rebuildTensor) =>
        new TorchPickleReader(pickle, file, rebuildTensor).ReadObject();

    private object? ReadObject()
    {
        while (true)
        {
            int opcodePosition = _position;
            byte opcode = ReadByte();
            if (opcode == '.') return _stack.Count == 1 ? _stack[0] : throw Corrupt("STOP with an unbalanced stack", opcodePosition);
            try
            {
                Execute(opcode);
            }
            catch (Exception e) when (e is InvalidCastException or ArgumentException or FormatException or OverflowException
                                          or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException
                                          or NullReferenceException)
            {
                throw Corrupt($"opcode 0x{opcode:x2} does not fit the stack or its argument is malformed", opcodePosition);
            }
        }
    }

    private void Execute(byte opcode)
    {
        switch (opcode)
        {
            case 0x80: ReadByte(); break; // PROTO: the opcodes below read the same in every protocol.
            case 0x95: ReadBytes(8); break; // FRAME: only a read-ahead hint.
            case (byte)'(': _marks.Push(_stack.Count); break;
            case (byte)'0': Pop(); break;
            case (byte)'1': PopToMark(); break;
            case (byte)'2': Push(Peek()); break;
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case (byte)'K': Push((long)ReadByte()); break;
            case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
            case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
            case (byte)'I': Push(ParseIntLine(ReadLine())); break;
            case (byte)'L': Push(Narrow(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture))); break;
            case 0x8a: Push(ReadLittleEndianInteger(ReadByte())); break;
            case 0x8b: Push(ReadLittleEndianInteger(ReadLength(4))); break;
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
            case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break;
            case (byte)'X': Push(ReadUtf8(ReadLength(4))); break;
            case 0x8c: Push(ReadUtf8(ReadByte())); break;
            case 0x8d: Push(ReadUtf8(ReadLength(8))); break;
            case (byte)'V': Push(ReadLine()); break; // Raw-unicode-escaped; checkpoint keys are plain ASCII.
            case (byte)'U': Push(ReadBytes(ReadByte())); break;
            case (byte)'T': Push(ReadBytes(ReadLength(4))); break;
            case (byte)'C': Push(ReadBytes(ReadByte())); break;
            case (byte)'B': Push(ReadBytes(ReadLength(4))); break;
            case 0x8e: Push(ReadBytes(ReadLength(8))); break;
            case (byte)')': Push(Array.Empty<object?>()); break;
            case (byte)'t': Push(PopToMark()); break;
            case 0x85: Push(PopItems(1)); break;
            case 0x86: Push(PopItems(2)); break;
            case 0x87: Push(PopItems(3)); break;
            case (byte)']': Push(new List<object?>()); break;
            case (byte)'l': Push(PopToMark().ToList()); break;
            case (byte)'a': Top<List<object?>>().Add(Pop()); break;
            case (byte)'e': AppendItems(PopToMark()); break;
            case 0x8f: Push(new List<object?>()); break; // EMPTY_SET: a list serves, nothing looks values up in it.
            case 0x90: AppendItems(PopToMark()); break;
            case 0x91: Push(PopToMark().ToList()); break;
            case (byte)'}': Push(new Dictionary<object, object?>()); break;
            case (byte)'d': Push(AddPairs(new Dictionary<object, object?>(), PopToMark())); break;
            case (byte)'s': AddPairs(PeekBelow<Dictionary<object, object?>>(2), PopItems(2)); break;
            case (byte)'u': SetItemsToMark(); break;
            case (byte)'p': _memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break;
            case (byte)'q': _memo[ReadByte()] = Peek(); break;
            case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break;
            case 0x94: _memo[_memo.Count] = Peek(); break;
            case (byte)'g': Push(_memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)]); break;
            case (byte)'h': Push(_memo[ReadByte()]); break;
            case (byte)'j': Push(_memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))]); break;
            case (byte)'c': Push(new PickleGlobal(ReadLine(), ReadLine())); break;
            case 0x93: StackGlobal(); break;
            case (byte)'R': Reduce(); break;
            case 0x81: NewObject(); break;
            case 0x92: PopItems(1); NewObject(); break; // NEWOBJ_EX: keyword arguments are not needed by any class read here.
            case (byte)'b': Pop(); break; // BUILD: object state (attributes such as a state dict's _metadata) is not needed.
            case (byte)'Q': Push(PersistentLoad(Pop())); break;
            default: throw Corrupt($"unsupported pickle opcode 0x{opcode:x2}", _position - 1);
        }
    }

    private void StackGlobal()
    {
        var names = PopItems(2);
        Push(new PickleGlobal((string)names[0]!, (string)names[1]!));
    }

    private void Reduce()
    {
        var arguments = (object?[])Pop()!;
        Push(Call(Pop(), arguments));
    }

    private void NewObject()
    {
        var arguments = (object?[])Pop()!;
        var type = Pop();
        Push(type is PickleGlobal { Module: "collections", Name: "OrderedDict" } ? new Dictionary<object, object?>() : Opaque(type));
    }

    private object? Call(object? callable, object?[] arguments)
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

    private StorageReference PersistentLoad(object? id)
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

    private static OpaqueObject Opaque(object? type) =>
        new(type as PickleGlobal ?? (type as OpaqueObject)?.Type ?? new PickleGlobal("?", "?"));

    private static long[] LongTuple(object? tuple) => ((object?[])tuple!).Select(d => (long)d!).ToArray();

    private static Dictionary<object, object?> AddPairs(Dictionary<object, object?> dict, object?[] keysAndValues)
    {
        if (keysAndValues.Length % 2 != 0) throw new InvalidOperationException("odd number of dict items");
        for (int i = 0; i < keysAndValues.Length; i += 2) dict[keysAndValues[i]!] = keysAndValues[i + 1];
        return dict;
    }

    private void SetItemsToMark()
    {
        var items = PopToMark();
        AddPairs(Top<Dictionary<object, object?>>(), items);
    }

    private void AppendItems(object?[] items) => Top<List<object?>>().AddRange(items);

    private static object ParseIntLine(string text) => text switch
    {
        "01" => true, // Protocol 0 writes booleans as the integers 01 and 00.
        "00" => false,
        _ => long.Parse(text, CultureInfo.InvariantCulture),
    };

    private object ReadLittleEndianInteger(long length) =>
        Narrow(new BigInteger(ReadBytes(length), isUnsigned: false, isBigEndian: false));

    /// <summary>Python ints become long where they fit, as every int of a checkpoint does; larger ones stay big.</summary>
    private static object Narrow(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (long)value : value;

    private void Push(object? value) => _stack.Add(value);

    private T Top<T>() where T : class => Peek() as T ?? throw new InvalidCastException();

    private T PeekBelow<T>(int depth) where T : class => _stack[^(depth + 1)] as T ?? throw new InvalidCastException();

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new InvalidOperationException("empty stack");

    private object? Pop()
    {
        var top = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object?[] PopItems(int count)
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count - count < floor) throw new InvalidOperationException("stack underflow");
        var items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopToMark()
    {
        int mark = _marks.Pop();
        return PopItems(_stack.Count - mark);
    }

    private byte ReadByte() => ReadBytes(1)[0];

    private long ReadLength(int width) =>
        width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)) : (long)BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    private byte[] ReadBytes(long length)
    {
        if (length > _pickle.Length - _position) throw Corrupt($"{length} bytes requested past the end of the pickle", _position);
        var bytes = _pickle.AsSpan(_position, (int)length).ToArray();
        _position += (int)length;
        return bytes;
    }

    private string ReadUtf8(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    private string ReadLine()
    {
        int end = Array.IndexOf(_pickle, (byte)'\n', _position);
        if (end < 0) throw Corrupt("line without an end", _position);
        string line = Encoding.Latin1.GetString(_pickle, _position, end - _position);
        _position = end + 1;
        return line;
    }

    private BalmsException Corrupt(string what, int position) =>
        new($"{_file}: corrupt checkpoint: its pickle (data.pkl) breaks at byte {position}: {what}");
}
