using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The CIFAR ResNet-32 of the long-tail literature (≈0.46 M parameters): a 3×3 stem with 16 channels, three stages of
/// five basic blocks with widths 16/32/64 (stages 2 and 3 start with stride 2 and an option-A shortcut), and global
/// average pooling to a 64-d feature. State-dict keys follow the original PyTorch module (conv1, bn1, layer1.0.conv1, …).
/// Kernels and feature maps are kept channels-last (<see cref="ChannelsLast"/>), which makes a training step faster.
/// </summary>
public sealed class ResNet32 : FeatureExtractor
{
    private const int BlocksPerStage = 5;

    // Field names are the PyTorch module names, which become the state_dict keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;

    /// <param name="inputChannels">1 for grey-scale images (Fashion-MNIST), 3 for colour (CIFAR).</param>
    public ResNet32(int inputChannels = 3) : base(nameof(ResNet32))
    {
        ResNetLayers.RequireInputChannels(inputChannels);
        InputChannels = inputChannels;
        conv1 = ResNetLayers.Conv3x3(inputChannels, 16);
        bn1 = ResNetLayers.BatchNorm(16);
        long inPlanes = 16;
        layer1 = Stage(ref inPlanes, planes: 16, stride: 1);
        layer2 = Stage(ref inPlanes, planes: 32, stride: 2);
        layer3 = Stage(ref inPlanes, planes: 64, stride: 2);
        RegisterComponents();
        WeightInit.HeNormal(this, FanMode.FanIn);
        ChannelsLast.ConvertParameters(this);
    }

    public int InputChannels { get; }

    public override int FeatureDim => 64;

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var maps = bn1.call(conv1.Convolve(FirstMap(images))).relu_();
        maps = layer3.call(layer2.call(layer1.call(maps)));
        return PooledFeatures(maps).MoveToOuterDisposeScope();
    }

    private static Sequential Stage(ref long inPlanes, long planes, long stride)
    {
        var stage = nn.Sequential();
        for (int block = 0; block < BlocksPerStage; block++)
        {
            long blockStride = block == 0 ? stride : 1;
            var shortcut = blockStride != 1 || inPlanes != planes ? new OptionAShortcut(planes / 4) : null;
            stage.append(new BasicBlock(inPlanes, planes, blockStride, shortcut));
            inPlanes = planes;
        }
        return stage;
    }
}
