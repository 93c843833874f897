using System.Globalization;

namespace Balms.Data.Readers.Pickle;

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
