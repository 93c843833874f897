using System.Numerics;
using Balms.Data;
using Balms.Data.Readers.Pickle;

namespace Balms.Tests.Data.Readers.Pickle;

/// <summary>The shared opcode machinery, on pickles written by CPython 3.11 (pickle.dumps, shown next to each).</summary>
public class PickleMachineTests
{
    [Fact]
    public void Protocol_4_containers_strings_and_a_single_append_are_read()
    {
        // pickle.dumps({'a': [1.5], 'b': (True, None, b'\x00\xff')}, protocol=4): FRAME, MEMOIZE, one APPEND, SETITEMS.
        var value = Recorder.Read("80049522000000000000007d94288c0161945d94473ff8000000000000618c016294884e430200ff948794752e");

        var dict = Assert.IsType<Dictionary<object, object?>>(value);
        Assert.Equal(["a", "b"], dict.Keys);
        Assert.Equal(new List<object?> { 1.5 }, dict["a"]);
        Assert.Equal(new object?[] { true, null, new byte[] { 0x00, 0xff } }, dict["b"]);
    }

    [Fact]
    public void A_memoised_object_is_pushed_again_as_the_same_object()
    {
        // x = [1]; pickle.dumps([x, x], protocol=4): x is MEMOIZEd as slot 1 and pushed again by BINGET 1.
        var value = Recorder.Read("8004950c000000000000005d94285d944b01616801652e");

        var list = Assert.IsType<List<object?>>(value);
        Assert.Equal(2, list.Count);
        Assert.Equal(new List<object?> { 1L }, list[0]);
        Assert.Same(list[0], list[1]);
    }

    [Fact]
    public void Integers_stay_big_only_beyond_long()
    {
        // pickle.dumps([2**64, -2**70, -2**40], protocol=2): three LONG1s.
        var value = Recorder.Read("80025d7100288a090000000000000000018a090000000000000000c08a060000000000ff652e");

        var list = Assert.IsType<List<object?>>(value);
        Assert.Equal(BigInteger.Pow(2, 64), Assert.IsType<BigInteger>(list[0]));
        Assert.Equal(-BigInteger.Pow(2, 70), Assert.IsType<BigInteger>(list[1]));
        Assert.Equal(-(1L << 40), Assert.IsType<long>(list[2]));
    }

    [Theory]
    [InlineData("8002636d6f640a666e0a71004b078571015271027d710358010000007871044b0273622e")] // protocol 2: GLOBAL
    [InlineData("8004951e000000000000008c036d6f64948c02666e9493944b07859452947d948c0178944b0273622e")] // protocol 4: STACK_GLOBAL
    public void Reduce_and_build_go_to_the_subclass(string pickle)
    {
        // An object whose __reduce__ returns (mod.fn, (7,), {'x': 2}).
        var value = Recorder.Read(pickle);

        var call = Assert.IsType<RecordedCall>(value);
        Assert.Equal(new PickleGlobal("mod", "fn"), call.Callable);
        Assert.Equal(new object?[] { 7L }, call.Arguments);
        var state = Assert.IsType<Dictionary<object, object?>>(call.State);
        Assert.Equal(2L, Assert.Single(state, pair => (string)pair.Key == "x").Value);
    }

    [Theory]
    [InlineData("80025dff2e", 3, "unsupported pickle opcode 0xff")] // an opcode that does not exist
    [InlineData("800263636f6c6c656374696f6e730a4f726465726564446963740a29812e", 28, "unsupported pickle opcode 0x81")] // NEWOBJ, not overridden
    [InlineData("80024b0151", 4, "unsupported pickle opcode 0x51")] // BINPERSID, not overridden
    [InlineData("5d4b014b02732e", 5, "opcode 0x73 does not fit the stack or its argument is malformed")] // SETITEM on a list
    [InlineData("80026807", 2, "opcode 0x68 does not fit the stack or its argument is malformed")] // BINGET of an unset slot
    [InlineData("4b014b022e", 4, "STOP with an unbalanced stack")]
    [InlineData("8e0000000000000040", 9, "string of 4611686018427387904 bytes is too long")] // BINBYTES8 of 2^62 bytes
    public void Malformed_pickles_are_reported_by_the_subclass_at_the_opcodes_byte(string pickle, long position, string what)
    {
        var error = Assert.Throws<DataException>(() => Recorder.Read(pickle));

        Assert.Equal($"test.pkl at byte {position}: {what}", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Input_that_ends_inside_an_opcode_ends_the_stream(bool seekable)
    {
        // BINUNICODE of 5 bytes with 2 left; seekable or not (as a gzip stream), the stream has ended.
        var bytes = Convert.FromHexString("58050000006162");
        Stream input = seekable ? new MemoryStream(bytes) : new NonSeekable(bytes);

        Assert.Throws<EndOfStreamException>(() => Recorder.Read(input));
    }

    [Fact]
    public void A_length_past_the_end_of_a_seekable_input_is_not_allocated()
    {
        // BINBYTES claiming 0x7fff0000 bytes (just under the largest array) in a 6-byte input.
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<EndOfStreamException>(() => Recorder.Read("420000ff7f2e"));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the claimed length was allocated");
    }

    private sealed class RecordedCall(object? callable, object?[] arguments)
    {
        public object? Callable { get; } = callable;
        public object?[] Arguments { get; } = arguments;
        public object? State { get; set; }
    }

    /// <summary>Records calls and states instead of giving them a meaning.</summary>
    private sealed class Recorder(Stream input) : PickleMachine(input)
    {
        public static object? Read(string hex) => Read(new MemoryStream(Convert.FromHexString(hex)));

        public static object? Read(Stream input) => new Recorder(input).Run();

        protected override object? Call(object? callable, object?[] arguments) => new RecordedCall(callable, arguments);

        protected override void Build(object? target, object? state) => ((RecordedCall)target!).State = state;

        protected override Exception Corrupt(string what, long position) => new DataException($"test.pkl at byte {position}: {what}");
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
