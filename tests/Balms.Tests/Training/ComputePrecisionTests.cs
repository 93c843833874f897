using Balms.Configuration;
using Balms.Data;
using Balms.Tests.Fixtures;
using Balms.Training;
using TorchSharp;

namespace Balms.Tests.Training;

public class ComputePrecisionTests : IDisposable
{
    private static readonly CpuInfo Zen3 = new("AMD EPYC 7B13", new HashSet<string> { "avx2", "fma" });
    private static readonly CpuInfo Zen4 = new("AMD EPYC 9B14", new HashSet<string> { "avx2", "avx512f", "avx512_bf16" });
    private static readonly ModelOptions Bfloat16 = new() { Precision = Precision.Bfloat16 };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Bfloat16OnACpuWithoutBfloat16InstructionsIsRefusedInOneLineNamingTheWayOut()
    {
        var error = Assert.Throws<BalmsException>(() => ComputePrecision.EnsureNative(Bfloat16, torch.CPU, Zen3));

        Assert.StartsWith("model.precision: bfloat16 would run many times slower than float32 on this CPU (AMD EPYC 7B13,", error.Message);
        Assert.Contains("avx512_bf16 or amx_bf16", error.Message);
        Assert.Contains("model.allow_slow_bfloat16: true", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Bfloat16RunsWhereItIsNativeAllowedOrNotOnTheCpu()
    {
        ComputePrecision.EnsureNative(Bfloat16, torch.CPU, Zen4);
        ComputePrecision.EnsureNative(Bfloat16 with { AllowSlowBfloat16 = true }, torch.CPU, Zen3);
        ComputePrecision.EnsureNative(Bfloat16, new torch.Device(DeviceType.CUDA, 0), Zen3);
        ComputePrecision.EnsureNative(new ModelOptions(), torch.CPU, Zen3);
    }

    [Fact]
    public void TheTrainerRefusesBeforeWritingAnything()
    {
        var options = ConfigLoader.Parse($$"""
            name: bf16
            data: {dataset: fashion_mnist_lt, root: {{TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 8, testPerClass: 2)}}, imbalance_factor: 2, head_class_size: 8}
            model: {precision: bfloat16}
            training: {batch_size: 8, num_epochs: 1}
            output: {dir: {{_temp.Combine("runs", "bf16")}}}
            """, "bf16.yaml");

        var data = DatasetCatalog.Load(options);

        var error = Assert.Throws<BalmsException>(() =>
            new Trainer(options, data, options.Output.Dir, SilentObserver.Instance, torch.CPU, Zen3).Run(CancellationToken.None));

        Assert.Contains("model.allow_slow_bfloat16", error.Message);
        Assert.False(Directory.Exists(options.Output.Dir));
    }
}
