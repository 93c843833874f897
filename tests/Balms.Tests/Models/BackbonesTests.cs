using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class BackbonesTests
{
    [Theory]
    [InlineData("resnet32", 1, typeof(ResNet32), 64)]
    [InlineData("ResNet32", 3, typeof(ResNet32), 64)]
    [InlineData("resnet10", 3, typeof(ImageNetResNet), 512)]
    public void CreatesTheNamedBackbone(string name, int inputChannels, Type expectedType, int featureDim)
    {
        using var backbone = Backbones.Create(name, inputChannels);

        Assert.IsType(expectedType, backbone);
        Assert.Equal(featureDim, backbone.FeatureDim);
        using var images = randn(1, inputChannels, 32, 32);
        using var features = backbone.call(images);
        Assert.Equal(new long[] { 1, featureDim }, features.shape);
    }

    [Fact]
    public void UnknownNameListsTheValidOnes()
    {
        var error = Assert.Throws<BalmsException>(() => Backbones.Create("resnet18", 3));

        Assert.Contains("resnet18", error.Message);
        foreach (var name in new[] { "resnet32", "resnet10", "resnet152", "resnext50" })
            Assert.Contains(name, error.Message);
        Assert.Equal(4, Backbones.Names.Count);
    }
}
