using System.Globalization;
using System.Text;

namespace Balms.Data.Readers;

/// <summary>A pickled dict whose keys are byte or unicode strings, looked up by their text.</summary>
internal sealed class PickleDict
{
    private readonly Dictionary<string, object?> _items = [];

    /// <summary>Adds key, value, key, value, ... and returns this dict.</summary>
    public PickleDict AddPairs(object?[] keysAndValues)
    {
        if (keysAndValues.Length % 2 != 0) throw new InvalidOperationException("odd number of dict items");
        for (int i = 0; i < keysAndValues.Length; i += 2) _items[PickleText.AsText(keysAndValues[i])] = keysAndValues[i + 1];
        return this;
    }

    public bool TryGetValue(string key, out object? value) => _items.TryGetValue(key, out value);
}

/// <summary>A reference to a module-level Python name (GLOBAL opcode); only numpy's reconstructors are ever called.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public bool IsNumpyReconstruct =>
        Name == "_reconstruct" && Module is "numpy.core.multiarray" or "numpy._core.multiarray";

    public bool IsNumpyDtype => Module == "numpy" && Name == "dtype";

    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A numpy dtype as pickled: numpy.dtype(code, align, copy), e.g. ("u1", 0, 1) for uint8.</summary>
internal sealed record NumpyDtype(string Code);

/// <summary>
/// A numpy array rebuilt from its pickled state (version, shape, dtype, is-Fortran-order, raw bytes). Only uint8
/// arrays in C order are accepted, which is what the CIFAR files hold.
/// </summary>
internal sealed class NumpyArray
{
    public int[] Shape { get; private set; } = [];
    public byte[] Data { get; private set; } = [];

    public void SetState(object?[] state, string file)
    {
        // numpy writes a leading format version (1); very old pickles lack it.
        var fields = state.Length == 5 ? state[1..] : state;
        if (fields.Length != 4) throw new DataException($"{file}: numpy array state has {state.Length} fields, expected 5");
        var shape = fields[0] as object?[] ?? throw new DataException($"{file}: numpy array shape is not a tuple");
        var dtype = fields[1] as NumpyDtype ?? throw new DataException($"{file}: numpy array has no dtype");
        if (dtype.Code is not ("u1" or "uint8"))
            throw new DataException($"{file}: numpy array has dtype '{dtype.Code}', expected uint8 ('u1')");
        if (fields[2] is not false && shape.Length > 1)
            throw new DataException($"{file}: numpy array is in Fortran order, expected C order");
        var data = fields[3] as byte[] ?? throw new DataException($"{file}: numpy array data is not a byte string");

        Shape = shape.Select(size => size is long n and >= 0 and <= int.MaxValue
            ? (int)n
            : throw new DataException($"{file}: numpy array shape ({string.Join(", ", shape)}) is invalid")).ToArray();
        long expected = Shape.Aggregate(1L, (product, size) => product * size);
        if (data.LongLength != expected)
            throw new DataException(
                $"{file}: numpy array of shape ({string.Join(", ", Shape)}) holds {data.LongLength} bytes, expected {expected}");
        Data = data;
    }
}

/// <summary>Text of pickled strings: Python 2 byte strings are read as Latin-1, unicode strings as they are.</summary>
internal static class PickleText
{
    public static string AsText(object? value) => value switch
    {
        byte[] bytes => Encoding.Latin1.GetString(bytes),
        string text => text,
        _ => throw new InvalidCastException($"expected a string, found {value?.GetType().Name ?? "None"}"),
    };
}

/// <summary>Decodes a Python 2 byte-string literal as protocol 0 writes it (repr: quoted, with backslash escapes).</summary>
internal static class PythonStringLiteral
{
    public static byte[] Decode(string literal)
    {
        if (literal.Length < 2 || literal[0] != literal[^1] || literal[0] is not ('\'' or '"'))
            throw new FormatException("string literal is not quoted");
        var bytes = new List<byte>();
        for (int i = 1; i < literal.Length - 1; i++)
        {
            char c = literal[i];
            if (c != '\\')
            {
                bytes.Add((byte)c);
                continue;
            }
            char escape = literal[++i];
            switch (escape)
            {
                case 'x':
                    bytes.Add(byte.Parse(literal.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case >= '0' and <= '7':
                    int end = i;
                    while (end + 1 < literal.Length - 1 && end - i < 2 && literal[end + 1] is >= '0' and <= '7') end++;
                    bytes.Add((byte)Convert.ToInt32(literal[i..(end + 1)], 8));
                    i = end;
                    break;
                default:
                    bytes.AddRange(SimpleEscape(escape));
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static byte[] SimpleEscape(char escape) => escape switch
    {
        'n' => [(byte)'\n'],
        'r' => [(byte)'\r'],
        't' => [(byte)'\t'],
        'a' => [0x07],
        'b' => [0x08],
        'f' => [0x0c],
        'v' => [0x0b],
        '\\' or '\'' or '"' => [(byte)escape],
        _ => [(byte)'\\', (byte)escape], // Python keeps unknown escapes as written.
    };
}
