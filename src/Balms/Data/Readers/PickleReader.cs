using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Balms.Data.Readers;

/// <summary>
/// Reads the part of the Python pickle format (protocols 0 to 2) that Python 2's cPickle writes for dicts, lists,
/// tuples, strings, numbers and numpy arrays, as in the CIFAR "python version" files. Python 2 byte strings come back
/// as byte[], unicode as string, integers as long, lists as List&lt;object?&gt;, tuples as object?[], dicts as
/// <see cref="PickleDict"/>. Only numpy's array and dtype reconstructors may be called, so a pickle cannot run code.
/// </summary>
internal sealed class PickleReader
{
    private readonly Stream _input;
    private readonly string _file;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private long _position;

    private PickleReader(Stream input, string file)
    {
        _input = input;
        _file = file;
    }

    /// <summary>Reads one pickled object from the current position of <paramref name="input"/>.</summary>
    public static object? Read(Stream input, string file) => new PickleReader(input, file).ReadObject();

    private object? ReadObject()
    {
        while (true)
        {
            long opcodePosition = _position;
            byte opcode = ReadByte();
            if (opcode == '.') return _stack.Count == 1 ? _stack[0] : throw Corrupt("STOP with an unbalanced stack", opcodePosition);
            try
            {
                Execute(opcode);
            }
            catch (Exception e) when (e is InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException
                                          or FormatException or OverflowException or KeyNotFoundException
                                          or InvalidOperationException)
            {
                throw Corrupt($"opcode '{(char)opcode}' (0x{opcode:x2}) does not fit the stack or its argument is malformed", opcodePosition);
            }
        }
    }

    private void Execute(byte opcode)
    {
        switch (opcode)
        {
            case 0x80: ReadByte(); break; // PROTO: the version does not change how the opcodes below read.
            case (byte)'(': _marks.Push(_stack.Count); break;
            case (byte)'}': Push(new PickleDict()); break;
            case (byte)']': Push(new List<object?>()); break;
            case (byte)')': Push(Array.Empty<object?>()); break;
            case (byte)'d': Push(new PickleDict().AddPairs(PopToMark())); break;
            case (byte)'l': Push(PopToMark().ToList()); break;
            case (byte)'t': Push(PopToMark()); break;
            case 0x85: Push(PopItems(1)); break;
            case 0x86: Push(PopItems(2)); break;
            case 0x87: Push(PopItems(3)); break;
            case (byte)'s': SetItems(PopItems(2)); break;
            case (byte)'u': SetItems(PopToMark()); break;
            case (byte)'a': AppendItems(PopItems(1)); break;
            case (byte)'e': AppendItems(PopToMark()); break;
            case (byte)'q': _memo[ReadByte()] = Peek(); break;
            case (byte)'r': _memo[ReadUInt32()] = Peek(); break;
            case (byte)'p': _memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break;
            case (byte)'h': Push(_memo[ReadByte()]); break;
            case (byte)'j': Push(_memo[ReadUInt32()]); break;
            case (byte)'g': Push(_memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)]); break;
            case (byte)'U': Push(ReadBytes(ReadByte())); break;
            case (byte)'T': Push(ReadBytes(ReadUInt32())); break;
            case (byte)'S': Push(PythonStringLiteral.Decode(ReadLine())); break;
            case (byte)'X': Push(Encoding.UTF8.GetString(ReadBytes(ReadUInt32()))); break;
            case (byte)'K': Push((long)ReadByte()); break;
            case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
            case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
            case (byte)'I': Push(ParseIntLine(ReadLine())); break;
            case (byte)'L': Push(long.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture)); break;
            case 0x8a: Push(ReadLittleEndianLong(ReadByte())); break;
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
            case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break;
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case (byte)'c': Push(new PickleGlobal(ReadLine(), ReadLine())); break;
            case (byte)'R': Reduce(); break;
            case (byte)'b': Build(); break;
            default: throw Corrupt($"unsupported pickle opcode 0x{opcode:x2}", _position - 1);
        }
    }

    private void Reduce()
    {
        var arguments = PopAs<object?[]>();
        var callable = Pop();
        Push(callable switch
        {
            PickleGlobal { IsNumpyReconstruct: true } => new NumpyArray(),
            PickleGlobal { IsNumpyDtype: true } => new NumpyDtype(PickleText.AsText(arguments[0])),
            _ => throw new DataException($"{_file}: pickle calls {callable}, which is not a numpy array or dtype"),
        });
    }

    private void Build()
    {
        var state = Pop();
        switch (Peek())
        {
            case NumpyArray array:
                array.SetState(state as object?[] ?? throw new InvalidCastException(), _file);
                break;
            case NumpyDtype:
                break; // Its state only holds byte order and field layout, which one-byte types do not need.
            default:
                throw new DataException($"{_file}: pickle sets the state of {Peek()?.GetType().Name ?? "None"}, which is not a numpy object");
        }
    }

    private void SetItems(object?[] keysAndValues) => Top<PickleDict>().AddPairs(keysAndValues);

    private void AppendItems(object?[] items) => Top<List<object?>>().AddRange(items);

    private static object ParseIntLine(string text) => text switch
    {
        "01" => true, // Protocol 0 writes booleans as the integers 01 and 00.
        "00" => false,
        _ => long.Parse(text, CultureInfo.InvariantCulture),
    };

    private long ReadLittleEndianLong(int length)
    {
        if (length > 8) throw new OverflowException();
        var bytes = ReadBytes(length);
        long value = 0;
        for (int i = length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        // Two's complement: the top bit of the last byte is the sign.
        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) value -= 1L << (8 * length);
        return value;
    }

    private void Push(object? value) => _stack.Add(value);

    private T Top<T>() where T : class => Peek() as T ?? throw new InvalidCastException();

    private T PopAs<T>() where T : class => Pop() as T ?? throw new InvalidCastException();

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new InvalidOperationException("empty stack");

    private object? Pop()
    {
        var top = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object?[] PopItems(int count)
    {
        if (_stack.Count - count < (_marks.Count > 0 ? _marks.Peek() : 0)) throw new InvalidOperationException("stack underflow");
        var items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopToMark()
    {
        int mark = _marks.Pop();
        return PopItems(_stack.Count - mark);
    }

    private byte ReadByte()
    {
        int value = _input.ReadByte();
        if (value < 0) throw new EndOfStreamException();
        _position++;
        return (byte)value;
    }

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private byte[] ReadBytes(long length)
    {
        if (length > Array.MaxLength) throw Corrupt($"string of {length} bytes is too long", _position);
        var bytes = new byte[length];
        _input.ReadExactly(bytes);
        _position += length;
        return bytes;
    }

    private string ReadLine()
    {
        var line = new List<byte>();
        for (byte next = ReadByte(); next != '\n'; next = ReadByte()) line.Add(next);
        return Encoding.Latin1.GetString(line.ToArray());
    }

    private DataException Corrupt(string what, long position) => new($"{_file}: corrupt pickle at byte {position}: {what}");
}
