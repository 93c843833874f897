using Balms.Data;
using static TorchSharp.torch;

namespace Balms.Tests.Inference.Onnx;

/// <summary>
/// Every backbone with the linear head, exported and run in ONNX Runtime, gives TorchSharp's logits to 1e-4 of their
/// largest magnitude, for a batch of 1 and of 7 (the batch dimension is free). The inputs are as small as each network
/// allows, with odd feature-map sizes on the way for ResNet-10 (40 → 20 → 10 → 5 → 3 → 2), where padding conventions
/// would show.
/// </summary>
public class OnnxBackboneTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, int, int> Backbones => new()
    {
        { "resnet32", 3, 32 },
        { "resnet32", 1, 28 },
        { "resnet10", 3, 40 },
        { "resnext50", 3, 32 },
        { "resnet152", 3, 32 },
    };

    [Theory]
    [MemberData(nameof(Backbones))]
    public void OnnxRuntimeGivesTorchSharpsLogits(string backbone, int channels, int side)
    {
        using var model = OnnxRuntimeMatch.RandomModel(backbone, channels, classes: 5, seed: 7);
        byte[] file = OnnxRuntimeMatch.Export(model, new SampleShape(channels, side, side));

        foreach (int batch in new[] { 1, 7 })
        {
            using var images = randn([batch, channels, side, side], generator: new Generator(11));
            float[] expected = OnnxRuntimeMatch.Logits(model, images);
            float[] actual = OnnxRuntimeMatch.Run(file, images);

            Assert.True(expected.Distinct().Count() > 1, "constant logits would prove nothing");
            double error = OnnxRuntimeMatch.RelativeError(expected, actual);
            Assert.True(error <= Tolerance, $"{backbone}, batch {batch}: relative error {error:E2}");
        }
    }
}
