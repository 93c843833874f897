using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training;

public static class ComputePrecision
{
    /// <summary>The tensor type of model.precision.</summary>
    public static ScalarType Of(Precision precision) => precision switch
    {
        Precision.Float32 => ScalarType.Float32,
        Precision.Bfloat16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "no tensor type for this precision"),
    };

    /// <summary>
    /// Stops model.precision: bfloat16 for the CPU when <paramref name="cpu"/> has no native bfloat16 arithmetic: libtorch
    /// then emulates it, and the training loop ran 16 times slower than in float32 on an AMD Zen 3 (docs/performance.md).
    /// model.allow_slow_bfloat16 lets it run anyway; a CUDA device is not concerned.
    /// </summary>
    /// <exception cref="BalmsException">bfloat16 would be emulated.</exception>
    public static void EnsureNative(ModelOptions model, Device device, CpuInfo cpu)
    {
        if (model.Precision != Precision.Bfloat16 || model.AllowSlowBfloat16 || device.type != DeviceType.CPU || cpu.HasNativeBfloat16) return;
        throw new BalmsException($"model.precision: bfloat16 would run many times slower than float32 on this CPU ({cpu.Model}, " +
            $"no {string.Join(" or ", CpuInfo.Bfloat16Flags)} among its {CpuInfo.ProcFile} flags); use float32, or set model.allow_slow_bfloat16: true to run in bfloat16 anyway");
    }
}
