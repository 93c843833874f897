using System.Text;

namespace Balms.Data.Readers;

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
