using Balms.Configuration;
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
}
