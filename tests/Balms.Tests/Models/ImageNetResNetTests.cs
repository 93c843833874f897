using Balms.Models;
using TorchSharp;
using static Balms.Tests.Models.ArchitectureArithmetic;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class ImageNetResNetTests
{
    [Fact]
    public void ResNet10MapsASmallImageBatchTo512Features()
    {
        using var model = ImageNetResNet.ResNet10();
        using var images = randn(2, 3, 64, 64);

        using var features = model.call(images);

        Assert.Equal(new long[] { 2, 512 }, features.shape);
        Assert.Equal(512, model.FeatureDim);
    }

    [Fact]
    public void ResNet10AcceptsGreyScaleInput()
    {
        using var model = ImageNetResNet.ResNet10(inputChannels: 1);
        using var images = randn(1, 1, 32, 32);

        using var features = model.call(images);

        Assert.Equal(new long[] { 1, 512 }, features.shape);
    }

    [Fact]
    public void ResNet10ParameterCountMatchesTheArchitecture()
    {
        long expected = Conv(7, 3, 64) + BatchNorm(64);
        long inPlanes = 64;
        foreach (long planes in new long[] { 64, 128, 256, 512 })
        {
            expected += Conv(3, inPlanes, planes) + BatchNorm(planes) + Conv(3, planes, planes) + BatchNorm(planes);
            if (inPlanes != planes)
                expected += Conv(1, inPlanes, planes) + BatchNorm(planes);
            inPlanes = planes;
        }

        using var model = ImageNetResNet.ResNet10();

        Assert.Equal(expected, model.TrainableParameterCount());
    }

    [Fact]
    public void ResNet10ConvolutionsAreHeNormalOverFanOut()
    {
        manual_seed(20200);
        using var model = ImageNetResNet.ResNet10();
        var weight = model.named_parameters().Single(p => p.name == "layer3.0.conv1.weight").parameter;

        // 128 → 256 channels, 3×3: fan_out = 2304, so std √(2/2304); fan_in would give √(2/1152), 41% larger.
        Assert.Equal(new long[] { 256, 128, 3, 3 }, weight.shape);
        double expectedStd = Math.Sqrt(2.0 / (256 * 9));
        Assert.InRange(weight.std().item<float>(), 0.99 * expectedStd, 1.01 * expectedStd);
    }

    // One test, because building ResNet-152 (58 M parameters) is the slow part.
    [Fact]
    public void ResNet152MatchesTorchvisionInParameterCountAndStateDictNames()
    {
        long expectedParameters = BottleneckNetworkParameters([3, 8, 36, 3], groups: 1, widthPerGroup: 64);
        // torchvision's resnet152 has 60,192,808 parameters including its 2048 → 1000 fc layer.
        Assert.Equal(60_192_808 - (2048 * 1000 + 1000), expectedParameters);
        int blocks = 3 + 8 + 36 + 3;
        int expectedKeys = ConvKeys + BatchNormKeys                   // stem
            + blocks * 3 * (ConvKeys + BatchNormKeys)                // three conv + bn pairs per bottleneck
            + 4 * (ConvKeys + BatchNormKeys);                        // one downsample per stage

        using var model = ImageNetResNet.ResNet152();
        var keys = model.state_dict().Keys.ToHashSet();

        Assert.Equal(expectedParameters, model.TrainableParameterCount());
        Assert.Equal(2048, model.FeatureDim);
        Assert.Equal(expectedKeys, keys.Count);
        Assert.Contains("conv1.weight", keys);
        Assert.Contains("layer1.0.downsample.0.weight", keys);
        Assert.Contains("layer1.0.downsample.1.running_mean", keys);
        Assert.Contains("layer3.35.conv3.weight", keys);
        Assert.Contains("layer4.2.bn3.num_batches_tracked", keys);
        Assert.DoesNotContain("layer1.1.downsample.0.weight", keys);
    }

    [Fact]
    public void ResNeXt50ParameterCountMatchesTheArchitectureAndTorchvision()
    {
        long expected = BottleneckNetworkParameters([3, 4, 6, 3], groups: 32, widthPerGroup: 4);
        // torchvision's resnext50_32x4d has 25,028,904 parameters including its 2048 → 1000 fc layer.
        Assert.Equal(25_028_904 - (2048 * 1000 + 1000), expected);

        using var model = ImageNetResNet.ResNeXt50();

        Assert.Equal(expected, model.TrainableParameterCount());
        Assert.Equal(2048, model.FeatureDim);
    }
}
