using Balms.Sampling.Meta;

namespace Balms.Tests.Sampling.Meta;

public class MetaSamplerStateTests
{
    private static readonly MetaSamplerState Sample = new([0.1, -2.5, 3.0], [0.01, 0.0, -0.2], [1e-4, 0.0, 0.5], 42);

    [Fact]
    public void AUsableStatePasses() => Sample.Validate("state");

    [Fact]
    public void NegativeSecondMomentIsRejectedNamingTheSource()
    {
        var bad = Sample with { AdamSecondMoment = [0.1, -1.0, 0.2] };

        var error = Assert.Throws<BalmsException>(() => bad.Validate("run/latest.safetensors"));

        Assert.Contains("run/latest.safetensors", error.Message);
        Assert.Contains("second moment", error.Message);
    }

    [Fact]
    public void MomentsOfAnotherClassCountAreRejected()
    {
        var bad = Sample with { AdamFirstMoment = [0.0, 0.0] };

        var error = Assert.Throws<BalmsException>(() => bad.Validate("state"));

        Assert.Contains("3 entries", error.Message);
    }

    [Fact]
    public void NonFiniteValuesAreRejected()
    {
        var bad = Sample with { Logits = [0.1, double.NaN, 3.0] };

        Assert.Throws<BalmsException>(() => bad.Validate("state"));
    }
}
