using System.Text;
using Balms.Data;
using Balms.Data.Readers;

namespace Balms.Tests.Data.Readers;

public class PickleReaderTests
{
    private static object? Read(string pickle) =>
        PickleReader.Read(new MemoryStream(Encoding.Latin1.GetBytes(pickle)), "test.pkl");

    [Fact]
    public void Protocol_0_string_escapes_are_decoded()
    {
        // Python 2: pickle.dumps("it's\n\xe9\\") == "S\"it's\\n\\xe9\\\\\"\np0\n."
        var value = Read("S\"it's\\n\\xe9\\\\\"\np0\n.");

        Assert.Equal(new byte[] { (byte)'i', (byte)'t', (byte)'\'', (byte)'s', (byte)'\n', 0xe9, (byte)'\\' }, value);
    }

    [Fact]
    public void Long_memo_slots_and_references_restore_the_same_object()
    {
        // [s, s] where s is memoised in slot 300 (LONG_BINPUT / LONG_BINGET), as cPickle does past 255 objects.
        var value = Read("\u0080\u0002]q\u0001(U\u0003abcr\u002c\u0001\u0000\u0000j\u002c\u0001\u0000\u0000e.");

        var list = Assert.IsType<List<object?>>(value);
        Assert.Equal(2, list.Count);
        Assert.Equal("abc"u8.ToArray(), list[0]);
        Assert.Same(list[0], list[1]);
    }

    [Fact]
    public void Integers_of_every_width_are_read()
    {
        // (255, 65535, -2, 2**40 + 1 as LONG1, True as protocol-0 I01)
        var value = Read("(K\u00ffM\u00ff\u00ffJ\u00fe\u00ff\u00ff\u00ff\u008a\u0006\u0001\u0000\u0000\u0000\u0000\u0001I01\nt.");

        Assert.Equal(new object?[] { 255L, 65535L, -2L, (1L << 40) + 1, true }, value);
    }

    [Fact]
    public void Calling_anything_but_numpy_is_refused()
    {
        var error = Assert.Throws<DataException>(() => Read("\u0080\u0002cos\nsystem\nq\u0001U\u0002lsq\u0002\u0085R."));

        Assert.Contains("test.pkl", error.Message);
        Assert.Contains("os.system", error.Message);
    }

    [Theory]
    [InlineData("t.")] // TUPLE without MARK
    [InlineData("K\u0001K\u0002.")] // two objects left at STOP
    [InlineData("h\u0007.")] // reference to an unset memo slot
    public void Malformed_pickles_are_reported_with_the_file(string pickle)
    {
        var error = Assert.Throws<DataException>(() => Read(pickle));

        Assert.Contains("test.pkl: corrupt pickle", error.Message);
    }
}
