using Balms.Training.Checkpoints;

namespace Balms.Tests.Training.Checkpoints;

public class PyTorchKeysTests
{
    [Theory]
    [InlineData("feat_model.module.layer1.0.bn1.running_mean", "feat_model.layer1.0.bn1.running_mean")] // the original, flattened
    [InlineData("classifier.module.fc.weight", "classifier.fc.weight")]
    [InlineData("module.conv1.weight", "feat_model.conv1.weight")] // a DataParallel backbone alone
    [InlineData("module.fc.bias", "classifier.fc.bias")]
    [InlineData("layer3.4.conv2.weight", "feat_model.layer3.4.conv2.weight")] // torchvision style
    [InlineData("fc.weight", "classifier.fc.weight")]
    [InlineData("feat_model.conv1.weight", "feat_model.conv1.weight")] // ours
    [InlineData("module.feat_model.bn1.bias", "feat_model.bn1.bias")] // a whole model in DataParallel
    public void FileKeysMapToOurs(string fileKey, string ours) => Assert.Equal(ours, PyTorchKeys.ToOurs(fileKey));

    [Theory]
    [InlineData("feat_model.layer1.0.conv1.weight", "feat_model.module.layer1.0.conv1.weight")]
    [InlineData("classifier.fc.bias", "classifier.module.fc.bias")]
    public void OursMapToTheOriginalsNetworkAndDataParallelKey(string ours, string original)
    {
        Assert.Equal(original, PyTorchKeys.ToOriginal(ours));
        Assert.Equal(ours, PyTorchKeys.ToOurs(original));
    }

    [Fact]
    public void OnlyModelTensorsHaveOriginalNames() =>
        Assert.Throws<ArgumentException>(() => PyTorchKeys.ToOriginal("optimizer.momentum.feat_model.conv1.weight"));
}
