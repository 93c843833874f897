using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The ImageNet-style residual networks of the original code (ResNet-10, ResNet-152, ResNeXt-50 32×4d): a 7×7 stride-2
/// stem with max pooling, four stages with widths 64/128/256/512 (× block expansion) and strides 1/2/2/2, a 1×1
/// convolution + batch norm shortcut where the shape changes, and global average pooling (equal to the original's
/// AvgPool2d(7) at 224×224, but also valid for smaller inputs). State-dict keys follow torchvision. Kernels and feature
/// maps are kept channels-last (<see cref="ChannelsLast"/>): a ResNet-10 training step at 224×224 was 20–27 % faster.
/// </summary>
public sealed class ImageNetResNet : FeatureExtractor
{
    private delegate nn.Module<Tensor, Tensor> BlockFactory(long inPlanes, long planes, long stride,
        nn.Module<Tensor, Tensor>? downsample);

    private sealed record BlockDesign(int Expansion, BlockFactory Create);

    private static readonly BlockDesign BasicBlocks =
        new(BasicBlock.Expansion, (inPlanes, planes, stride, downsample) =>
            new BasicBlock(inPlanes, planes, stride, downsample));

    private static BlockDesign Bottlenecks(long groups, long widthPerGroup) =>
        new(Bottleneck.Expansion, (inPlanes, planes, stride, downsample) =>
            new Bottleneck(inPlanes, planes, stride, downsample, groups, widthPerGroup));

    // Field names are the PyTorch module names, which become the state_dict keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;

    private ImageNetResNet(string name, BlockDesign design, int[] blocksPerStage, int inputChannels) : base(name)
    {
        ResNetLayers.RequireInputChannels(inputChannels);
        InputChannels = inputChannels;
        conv1 = nn.Conv2d(inputChannels, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = ResNetLayers.BatchNorm(64);
        long inPlanes = 64;
        layer1 = Stage(design, ref inPlanes, planes: 64, blocksPerStage[0], stride: 1);
        layer2 = Stage(design, ref inPlanes, planes: 128, blocksPerStage[1], stride: 2);
        layer3 = Stage(design, ref inPlanes, planes: 256, blocksPerStage[2], stride: 2);
        layer4 = Stage(design, ref inPlanes, planes: 512, blocksPerStage[3], stride: 2);
        FeatureDim = (int)inPlanes;
        RegisterComponents();
        WeightInit.HeNormal(this, FanMode.FanOut);
        ChannelsLast.ConvertParameters(this);
    }

    /// <summary>Basic blocks [1, 1, 1, 1], 512-d features.</summary>
    public static ImageNetResNet ResNet10(int inputChannels = 3) =>
        new("ResNet10", BasicBlocks, [1, 1, 1, 1], inputChannels);

    /// <summary>Bottleneck blocks [3, 8, 36, 3], 2048-d features.</summary>
    public static ImageNetResNet ResNet152(int inputChannels = 3) =>
        new("ResNet152", Bottlenecks(groups: 1, widthPerGroup: 64), [3, 8, 36, 3], inputChannels);

    /// <summary>Grouped bottleneck blocks [3, 4, 6, 3] with cardinality 32 and width 4 per group, 2048-d features.</summary>
    public static ImageNetResNet ResNeXt50(int inputChannels = 3) =>
        new("ResNeXt50", Bottlenecks(groups: 32, widthPerGroup: 4), [3, 4, 6, 3], inputChannels);

    public int InputChannels { get; }

    public override int FeatureDim { get; }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var maps = bn1.call(conv1.Convolve(FirstMap(images))).relu_();
        maps = nn.functional.max_pool2d(maps, kernel_size: [3, 3], strides: [2, 2], padding: [1, 1]);
        maps = layer4.call(layer3.call(layer2.call(layer1.call(maps))));
        return PooledFeatures(maps).MoveToOuterDisposeScope();
    }

    private static Sequential Stage(BlockDesign design, ref long inPlanes, long planes, int blocks, long stride)
    {
        long outPlanes = planes * design.Expansion;
        var stage = nn.Sequential();
        for (int block = 0; block < blocks; block++)
        {
            long blockStride = block == 0 ? stride : 1;
            var downsample = blockStride != 1 || inPlanes != outPlanes
                ? new ProjectionShortcut(inPlanes, outPlanes, blockStride)
                : null;
            stage.append(design.Create(inPlanes, planes, blockStride, downsample));
            inPlanes = outPlanes;
        }
        return stage;
    }
}
