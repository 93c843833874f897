using System.Buffers.Binary;
using System.Text;

namespace Balms.Tests.Data.Readers;

/// <summary>A Python 2 dict with byte-string keys, in insertion order.</summary>
public sealed class PyDict : List<(string Key, object Value)>;

/// <summary>A numpy uint8 array in C order.</summary>
public sealed record NumpyBytes(int[] Shape, byte[] Data);

/// <summary>
/// Writes values the way Python 2's cPickle does (memo numbering from 1, items in batches of 1000): strings (.NET
/// string = Python 2 str of its Latin-1 bytes), non-negative ints, lists, <see cref="PyDict"/> and, in protocol 2,
/// numpy uint8 arrays via numpy.core.multiarray._reconstruct. Written independently of the reader under test.
/// </summary>
public sealed class PythonPickleWriter
{
    private const int BatchSize = 1000;
    private readonly MemoryStream _out = new();
    private readonly int _protocol;
    private int _memo;

    private PythonPickleWriter(int protocol) => _protocol = protocol;

    public static byte[] Protocol2(object value) => new PythonPickleWriter(2).Write(value);

    public static byte[] Protocol0(object value) => new PythonPickleWriter(0).Write(value);

    private byte[] Write(object value)
    {
        if (_protocol == 2) Bytes(0x80, 2);
        Save(value);
        Bytes((byte)'.');
        return _out.ToArray();
    }

    private void Save(object value)
    {
        switch (value)
        {
            case string text: SaveString(text, memoize: true); break;
            case int number: SaveInt(number); break;
            case PyDict dict: SaveDict(dict); break;
            case IEnumerable<object> list: SaveList(list.ToList()); break;
            case NumpyBytes array: SaveArray(array); break;
            default: throw new ArgumentException($"cannot pickle {value.GetType()}");
        }
    }

    private void SaveString(string text, bool memoize)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        if (_protocol == 0)
        {
            Text($"S'{text.Replace("\\", "\\\\").Replace("'", "\\'")}'\n");
        }
        else if (bytes.Length < 256)
        {
            Bytes((byte)'U', (byte)bytes.Length);
            _out.Write(bytes);
        }
        else
        {
            Bytes((byte)'T');
            Int32(bytes.Length);
            _out.Write(bytes);
        }
        if (memoize) Put();
    }

    private void SaveInt(int number)
    {
        if (_protocol == 0) Text($"I{number}\n");
        else if (number is >= 0 and <= 0xff) Bytes((byte)'K', (byte)number);
        else if (number is >= 0 and <= 0xffff) Bytes((byte)'M', (byte)number, (byte)(number >> 8));
        else
        {
            Bytes((byte)'J');
            Int32(number);
        }
    }

    private void SaveDict(PyDict dict)
    {
        if (_protocol == 0)
        {
            Text("(d");
            Put();
            foreach (var (key, value) in dict)
            {
                SaveString(key, memoize: true);
                Save(value);
                Bytes((byte)'s');
            }
            return;
        }
        Bytes((byte)'}');
        Put();
        foreach (var batch in dict.Chunk(BatchSize))
        {
            if (batch.Length > 1) Bytes((byte)'(');
            foreach (var (key, value) in batch)
            {
                SaveString(key, memoize: true);
                Save(value);
            }
            Bytes(batch.Length > 1 ? (byte)'u' : (byte)'s');
        }
    }

    private void SaveList(List<object> items)
    {
        if (_protocol == 0)
        {
            Text("(l");
            Put();
            foreach (var item in items)
            {
                Save(item);
                Bytes((byte)'a');
            }
            return;
        }
        Bytes((byte)']');
        Put();
        foreach (var batch in items.Chunk(BatchSize))
        {
            if (batch.Length > 1) Bytes((byte)'(');
            foreach (var item in batch) Save(item);
            Bytes(batch.Length > 1 ? (byte)'e' : (byte)'a');
        }
    }

    private void SaveArray(NumpyBytes array)
    {
        if (_protocol != 2) throw new ArgumentException("numpy arrays are only written with protocol 2");
        Global("numpy.core.multiarray", "_reconstruct");
        Global("numpy", "ndarray");
        SaveInt(0);
        Bytes(0x85); // TUPLE1: shape (0,)
        SaveString("b", memoize: false);
        Bytes(0x87); // TUPLE3: (ndarray, (0,), 'b')
        Bytes((byte)'R');
        Put();

        Bytes((byte)'(');
        SaveInt(1);
        foreach (int size in array.Shape) SaveInt(size);
        Bytes(array.Shape.Length == 2 ? (byte)0x86 : throw new ArgumentException("2-D arrays only"));
        Global("numpy", "dtype");
        SaveString("u1", memoize: false);
        SaveInt(0);
        SaveInt(1);
        Bytes(0x87, (byte)'R');
        Put();
        Bytes((byte)'(');
        SaveInt(3);
        SaveString("|", memoize: false);
        Bytes((byte)'N', (byte)'N', (byte)'N');
        Bytes((byte)'J');
        Int32(-1);
        Bytes((byte)'J');
        Int32(-1);
        SaveInt(0);
        Bytes((byte)'t', (byte)'b'); // dtype state tuple, BUILD
        Bytes(0x89); // NEWFALSE: not Fortran order
        SaveString(Encoding.Latin1.GetString(array.Data), memoize: false);
        Bytes((byte)'t', (byte)'b'); // array state tuple, BUILD
    }

    private void Global(string module, string name)
    {
        Text($"c{module}\n{name}\n");
        Put();
    }

    private void Put()
    {
        _memo++;
        if (_protocol == 0) Text($"p{_memo}\n");
        else if (_memo < 256) Bytes((byte)'q', (byte)_memo);
        else
        {
            Bytes((byte)'r');
            Int32(_memo);
        }
    }

    private void Bytes(params byte[] bytes) => _out.Write(bytes);

    private void Text(string text) => _out.Write(Encoding.Latin1.GetBytes(text));

    private void Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _out.Write(bytes);
    }
}
