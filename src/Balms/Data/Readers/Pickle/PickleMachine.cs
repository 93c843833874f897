using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Balms.Data.Readers.Pickle;

/// <summary>
/// The pickle virtual machine shared by the pickle readers: it runs the opcodes of protocols 0 to 4 on a stack, with
/// marks into the stack and a memo, and returns the object left at STOP. No Python code is ever
/// run: what a call, a new object, an object's state or a persistent id turn into is up to the subclass
/// (<see cref="Call"/>, <see cref="NewObject"/>, <see cref="Build"/>, <see cref="PersistentLoad"/>).
/// Python values come back as: None as null, int as long (BigInteger beyond long), float as double, str as string,
/// bytes and Python 2 str as byte[], tuple as object?[], list and set as List&lt;object?&gt;, dict as
/// Dictionary&lt;object, object?&gt; in insertion order, a module-level name as <see cref="PickleGlobal"/>.
/// Input that ends too early throws EndOfStreamException, as the stream itself would; any other malformed input throws
/// the subclass's <see cref="Corrupt"/> exception.
/// </summary>
internal abstract class PickleMachine
{
    private readonly Stream _input;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private long _position;

    protected PickleMachine(Stream input) => _input = input;

    /// <summary>REDUCE: what callable(*arguments) gives.</summary>
    protected abstract object? Call(object? callable, object?[] arguments);

    /// <summary>BUILD: gives <paramref name="target"/>, which stays on the stack, its pickled state.</summary>
    protected abstract void Build(object? target, object? state);

    /// <summary>NEWOBJ: what type.__new__(type, *arguments) gives. Unless overridden, the opcode is unsupported.</summary>
    protected virtual object? NewObject(object? type, object?[] arguments) => throw new UnsupportedOpcode();

    /// <summary>BINPERSID: the object a persistent id stands for. Unless overridden, the opcode is unsupported.</summary>
    protected virtual object? PersistentLoad(object? id) => throw new UnsupportedOpcode();

    /// <summary>The key a dict stores a pickled key under.</summary>
    protected virtual object DictKey(object? key) => key ?? throw new InvalidCastException("None as a dict key");

    /// <summary>The one-line exception for a pickle that breaks at byte <paramref name="position"/>.</summary>
    protected abstract Exception Corrupt(string what, long position);

    /// <summary>Runs the opcodes from the current position of the input up to STOP.</summary>
    protected object? Run()
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
            catch (UnsupportedOpcode)
            {
                throw Corrupt($"unsupported pickle opcode 0x{opcode:x2}", opcodePosition);
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
            // Protocol and stack housekeeping.
            case 0x80: ReadByte(); break; // PROTO: the opcodes below read the same in every protocol.
            case 0x95: ReadBytes(8); break; // FRAME: only a read-ahead hint.
            case (byte)'(': _marks.Push(_stack.Count); break; // MARK
            case (byte)'0': Pop(); break; // POP
            case (byte)'1': PopToMark(); break; // POP_MARK
            case (byte)'2': Push(Peek()); break; // DUP

            // None, booleans and numbers.
            case (byte)'N': Push(null); break; // NONE
            case 0x88: Push(true); break; // NEWTRUE
            case 0x89: Push(false); break; // NEWFALSE
            case (byte)'K': Push((long)ReadByte()); break; // BININT1
            case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
            case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
            case (byte)'I': Push(ParseIntLine(ReadLine())); break; // INT
            case (byte)'L': Push(Narrow(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture))); break; // LONG
            case 0x8a: Push(ReadLittleEndianInteger(ReadByte())); break; // LONG1
            case 0x8b: Push(ReadLittleEndianInteger(ReadLength(4))); break; // LONG4
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
            case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT

            // Unicode strings, then byte strings (Python 3 bytes and Python 2 str).
            case (byte)'X': Push(ReadUtf8(ReadLength(4))); break; // BINUNICODE
            case 0x8c: Push(ReadUtf8(ReadByte())); break; // SHORT_BINUNICODE
            case 0x8d: Push(ReadUtf8(ReadLength(8))); break; // BINUNICODE8
            case (byte)'V': Push(ReadLine()); break; // UNICODE: its raw-unicode-escapes are left as written; the keys read here are ASCII.
            case (byte)'S': Push(PythonStringLiteral.Decode(ReadLine())); break; // STRING
            case (byte)'U': Push(ReadBytes(ReadByte())); break; // SHORT_BINSTRING
            case (byte)'T': Push(ReadBytes(ReadLength(4))); break; // BINSTRING
            case (byte)'C': Push(ReadBytes(ReadByte())); break; // SHORT_BINBYTES
            case (byte)'B': Push(ReadBytes(ReadLength(4))); break; // BINBYTES
            case 0x8e: Push(ReadBytes(ReadLength(8))); break; // BINBYTES8

            // Tuples, lists, sets and dicts.
            case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
            case (byte)'t': Push(PopToMark()); break; // TUPLE
            case 0x85: Push(PopItems(1)); break; // TUPLE1
            case 0x86: Push(PopItems(2)); break; // TUPLE2
            case 0x87: Push(PopItems(3)); break; // TUPLE3
            case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
            case (byte)'l': Push(PopToMark().ToList()); break; // LIST
            case (byte)'a': AppendItems(PopItems(1)); break; // APPEND
            case (byte)'e': AppendItems(PopToMark()); break; // APPENDS
            case 0x8f: Push(new List<object?>()); break; // EMPTY_SET: a list serves, nothing looks values up in it.
            case 0x90: AppendItems(PopToMark()); break; // ADDITEMS
            case 0x91: Push(PopToMark().ToList()); break; // FROZENSET
            case (byte)'}': Push(new Dictionary<object, object?>()); break; // EMPTY_DICT
            case (byte)'d': Push(SetItems(new Dictionary<object, object?>(), PopToMark())); break; // DICT
            case (byte)'s': SetItemsOfTop(PopItems(2)); break; // SETITEM
            case (byte)'u': SetItemsOfTop(PopToMark()); break; // SETITEMS

            // The memo: the top of the stack is stored under a number, to be pushed again later.
            case (byte)'p': _memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break; // PUT
            case (byte)'q': _memo[ReadByte()] = Peek(); break; // BINPUT
            case (byte)'r': _memo[ReadLength(4)] = Peek(); break; // LONG_BINPUT
            case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
            case (byte)'g': Push(_memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)]); break; // GET
            case (byte)'h': Push(_memo[ReadByte()]); break; // BINGET
            case (byte)'j': Push(_memo[ReadLength(4)]); break; // LONG_BINGET

            // Objects: their meaning is the subclass's.
            case (byte)'c': Push(new PickleGlobal(ReadLine(), ReadLine())); break; // GLOBAL
            case 0x93: StackGlobal(); break; // STACK_GLOBAL
            case (byte)'R': RunReduce(); break; // REDUCE
            case 0x81: RunNewObj(); break; // NEWOBJ
            case 0x92: PopItems(1); RunNewObj(); break; // NEWOBJ_EX: no class read here needs its keyword arguments.
            case (byte)'b': RunBuild(); break; // BUILD
            case (byte)'Q': Push(PersistentLoad(Pop())); break; // BINPERSID
            default: throw new UnsupportedOpcode();
        }
    }

    private void StackGlobal()
    {
        var names = PopItems(2);
        Push(new PickleGlobal(names[0] as string ?? throw new InvalidCastException(), names[1] as string ?? throw new InvalidCastException()));
    }

    private void RunReduce()
    {
        var arguments = PopTuple();
        Push(Call(Pop(), arguments));
    }

    private void RunNewObj()
    {
        var arguments = PopTuple();
        Push(NewObject(Pop(), arguments));
    }

    private void RunBuild()
    {
        var state = Pop();
        Build(Peek(), state);
    }

    private object?[] PopTuple() => Pop() as object?[] ?? throw new InvalidCastException();

    private void AppendItems(object?[] items) => Top<List<object?>>().AddRange(items);

    private void SetItemsOfTop(object?[] keysAndValues) => SetItems(Top<Dictionary<object, object?>>(), keysAndValues);

    private Dictionary<object, object?> SetItems(Dictionary<object, object?> dict, object?[] keysAndValues)
    {
        if (keysAndValues.Length % 2 != 0) throw new InvalidOperationException("odd number of dict items");
        for (int i = 0; i < keysAndValues.Length; i += 2) dict[DictKey(keysAndValues[i])] = keysAndValues[i + 1];
        return dict;
    }

    private static object ParseIntLine(string text) => text switch
    {
        "01" => true, // Protocol 0 writes booleans as the integers 01 and 00.
        "00" => false,
        _ => long.Parse(text, CultureInfo.InvariantCulture),
    };

    private object ReadLittleEndianInteger(long length) =>
        Narrow(new BigInteger(ReadBytes(length), isUnsigned: false, isBigEndian: false));

    /// <summary>Python ints become long where they fit, as every int the readers use does; larger ones stay big.</summary>
    private static object Narrow(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (long)value : (object)value;

    private void Push(object? value) => _stack.Add(value);

    private T Top<T>() where T : class => Peek() as T ?? throw new InvalidCastException();

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new InvalidOperationException("empty stack");

    private object? Pop()
    {
        var top = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    /// <summary>Pops the top <paramref name="count"/> items, which must all lie above the innermost mark.</summary>
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

    private byte ReadByte()
    {
        int value = _input.ReadByte();
        if (value < 0) throw new EndOfStreamException();
        _position++;
        return (byte)value;
    }

    /// <summary>An unsigned little-endian length of 4 or 8 bytes.</summary>
    private long ReadLength(int width) => width == 4
        ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))
        : checked((long)BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)));

    private byte[] ReadBytes(long length)
    {
        if (length > Array.MaxLength) throw Corrupt($"string of {length} bytes is too long", _position);
        // Where the input's length is known, a length past its end is caught before it is allocated.
        if (_input.CanSeek && length > _input.Length - _input.Position) throw new EndOfStreamException();
        var bytes = new byte[length];
        _input.ReadExactly(bytes);
        _position += length;
        return bytes;
    }

    private string ReadUtf8(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    private string ReadLine()
    {
        var line = new List<byte>();
        for (byte next = ReadByte(); next != '\n'; next = ReadByte()) line.Add(next);
        return Encoding.Latin1.GetString(line.ToArray());
    }

    /// <summary>Thrown for an opcode the reader does not run, reported as such with its position.</summary>
    private sealed class UnsupportedOpcode : Exception;
}
