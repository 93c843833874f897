using Balms.Sampling.Meta;

namespace Balms.Tests.Sampling.Meta;

public class MetaSamplerStateTests
{
    private static readonly MetaSamplerState Sample = new([0.1, -2.5, 3.0], [0.01, 0.0, -0.2], [1e-4, 0.0, 0.5], 42);

    [Fact]
    public void SaveThenLoadRestoresEveryValue()
    {
        using var stream = new MemoryStream();
        Sample.Save(stream);
        stream.Position = 0;

        var loaded = MetaSamplerState.Load(stream, "state.bin");

        Assert.Equal(Sample.Logits, loaded.Logits);
        Assert.Equal(Sample.AdamFirstMoment, loaded.AdamFirstMoment);
        Assert.Equal(Sample.AdamSecondMoment, loaded.AdamSecondMoment);
        Assert.Equal(42, loaded.AdamStep);
    }

    [Fact]
    public void TruncatedStateNamesTheSource()
    {
        using var full = new MemoryStream();
        Sample.Save(full);
        using var truncated = new MemoryStream(full.ToArray()[..^5]);

        var error = Assert.Throws<BalmsException>(() => MetaSamplerState.Load(truncated, "run/sampler.bin"));

        Assert.Contains("run/sampler.bin", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ForeignBytesAreRejected()
    {
        using var garbage = new MemoryStream("not a sampler state at all"u8.ToArray());

        var error = Assert.Throws<BalmsException>(() => MetaSamplerState.Load(garbage, "other.bin"));

        Assert.Contains("other.bin", error.Message);
    }

    [Fact]
    public void NegativeSecondMomentIsRejected()
    {
        var bad = Sample with { AdamSecondMoment = [0.1, -1.0, 0.2] };
        using var stream = new MemoryStream();
        bad.Save(stream);
        stream.Position = 0;

        Assert.Throws<BalmsException>(() => MetaSamplerState.Load(stream, "bad.bin"));
    }
}
