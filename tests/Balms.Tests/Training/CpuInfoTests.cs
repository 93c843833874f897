using Balms.Training;

namespace Balms.Tests.Training;

public class CpuInfoTests
{
    // The start of /proc/cpuinfo on two 2-vCPU virtual machines (flags shortened), and the line that differs on a third.
    private const string Zen3 = """
        processor	: 0
        vendor_id	: AuthenticAMD
        cpu family	: 25
        model		: 1
        model name	: AMD EPYC 7B13
        flags		: fpu vme de pse sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 sha_ni vaes

        processor	: 1
        model name	: AMD EPYC 7B13
        flags		: fpu vme de pse sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 sha_ni vaes avx512_bf16
        """;

    private const string SapphireRapids = """
        processor	: 0
        vendor_id	: GenuineIntel
        model name	: Intel(R) Xeon(R) Processor
        flags		: fpu sse2 avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile
        """;

    [Fact]
    public void ModelAndFlagsAreTheFirstProcessors()
    {
        var zen3 = CpuInfo.Parse(Zen3);
        var sapphireRapids = CpuInfo.Parse(SapphireRapids);

        Assert.Equal("AMD EPYC 7B13", zen3.Model);
        Assert.Contains("avx2", zen3.Flags);
        Assert.Equal(15, zen3.Flags.Count);
        // The second processor's (made-up) flag is not the first's.
        Assert.False(zen3.HasNativeBfloat16);
        Assert.Equal("Intel(R) Xeon(R) Processor", sapphireRapids.Model);
        Assert.True(sapphireRapids.HasNativeBfloat16);
    }

    [Theory]
    [InlineData("avx512f avx512_bf16", true)]
    [InlineData("avx512f amx_bf16 amx_tile", true)]
    [InlineData("avx2 avx512f avx512_vnni amx_tile", false)]
    [InlineData("", false)]
    public void Bfloat16IsNativeWithAvx512Bf16OrAmxBf16(string flags, bool native)
    {
        var cpu = CpuInfo.Parse($"processor\t: 0\nmodel name\t: some CPU\nflags\t\t: {flags}\n");

        Assert.Equal(native, cpu.HasNativeBfloat16);
    }

    [Fact]
    public void TextWithoutModelOrFlagsIsAnUnknownCpu()
    {
        var cpu = CpuInfo.Parse("processor\t: 0\nBogoMIPS\t: 48.00\n");

        Assert.Equal(CpuInfo.Unknown.Model, cpu.Model);
        Assert.Empty(cpu.Flags);
        Assert.False(cpu.HasNativeBfloat16);
    }
}
