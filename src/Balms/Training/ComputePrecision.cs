using Balms.Configuration;
using static TorchSharp.torch;

namespace Balms.Training;

public static class ComputePrecision
{
    /// <summary>The tensor type of model.precision.</summary>
    public static ScalarType Of(Precision precision) => precision switch
    {
        Precision.Bfloat16 => ScalarType.BFloat16,
        _ => ScalarType.Float32,
    };
}
