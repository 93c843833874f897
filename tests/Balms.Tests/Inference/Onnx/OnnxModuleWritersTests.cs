using Balms.Inference.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Inference.Onnx;

public class OnnxModuleWritersTests
{
    /// <summary>A classifier head the exporter has no writer for, as a new kind of head is until it gets one.</summary>
    private sealed class CosineHead() : nn.Module<Tensor, Tensor>(nameof(CosineHead))
    {
        public override Tensor forward(Tensor features) => features.alias();
    }

    [Fact]
    public void AModuleWithoutAWriterIsAnErrorNamingItsPlaceAndType()
    {
        using var head = new CosineHead();

        var error = Assert.Throws<BalmsException>(() => new OnnxGraph().Write(head, "classifier", "features"));

        Assert.StartsWith("cannot export classifier to ONNX: it is a CosineHead, which the exporter does not know yet", error.Message);
        Assert.Contains("LinearClassifier", error.Message);
    }
}
