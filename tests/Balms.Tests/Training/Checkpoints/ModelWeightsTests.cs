using Balms.Models;
using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;
using static Balms.Tests.Training.Checkpoints.WeightsTestKit;

namespace Balms.Tests.Training.Checkpoints;

public class ModelWeightsTests
{
    [Fact]
    public void OurCheckpointLoadsIntoAFreshModelWithIdenticalOutputs()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("best.safetensors");
        using var source = PerturbedModel("resnet32", 1, 3);
        SaveCheckpoint(source, path, epoch: 4);
        using var images = SmallImages(1);

        using var fresh = PerturbedModel("resnet32", 1, 3);
        var info = ModelWeights.LoadInto(fresh, path, includeClassifier: true);

        Assert.Equal(Logits(source, images), Logits(fresh, images));
        Assert.Equal(WeightsFormat.BalmsCheckpoint, info.Format);
        Assert.Equal(4, info.Epoch);
        Assert.Equal(3, info.ClassCount);
        Assert.Equal(source.state_dict().Count, info.TensorCount);
    }

    [Theory]
    [InlineData(false, "feat_model.layer2.0.bn1.running_var", "classifier.fc.weight")]
    [InlineData(true, "feat_model.module.layer2.0.bn1.running_var", "classifier.module.fc.weight")]
    public void ExportKeepsTheWeightsUnderTheChosenNames(bool originalKeys, string backboneKey, string headKey)
    {
        using var folder = new TempDirectory();
        using var source = PerturbedModel("resnet32", 1, 3);
        SaveCheckpoint(source, folder.Combine("best.safetensors"), epoch: 6);
        string export = folder.Combine("weights.safetensors");

        using (var weights = ModelWeights.Read(folder.Combine("best.safetensors")))
            WeightsExport.Write(weights, export, originalKeys);
        using var fresh = PerturbedModel("resnet32", 1, 3);
        var info = ModelWeights.LoadInto(fresh, export, includeClassifier: true);

        using var images = SmallImages(1);
        Assert.Equal(Logits(source, images), Logits(fresh, images));
        var stored = SafeTensorsFile.Load(export);
        Assert.Contains(backboneKey, stored.Tensors.Keys);
        Assert.Contains(headKey, stored.Tensors.Keys);
        Assert.DoesNotContain(stored.Tensors.Keys, key => key.Contains("momentum"));
        Assert.Equal(source.state_dict().Count, stored.Tensors.Count);
        Assert.Equal((WeightsFormat.SafeTensors, 6, 3), (info.Format, info.Epoch, info.ClassCount));
        foreach (var tensor in stored.Tensors.Values) tensor.Dispose();
    }

    [Fact]
    public void AClassifierForOtherClassesIsNamedWithItsShapes()
    {
        using var folder = new TempDirectory();
        using var hundredClasses = PerturbedModel("resnet32", 1, 100);
        string path = folder.Combine("weights.safetensors");
        SaveForeign(path, hundredClasses.state_dict().Select(t => KeyValuePair.Create(PyTorchKeys.ToOriginal(t.Key), t.Value)));
        using var tenClasses = PerturbedModel("resnet32", 1, 10);

        var error = Assert.Throws<BalmsException>(() => ModelWeights.LoadInto(tenClasses, path, includeClassifier: true));

        Assert.Equal($"{path}: tensor 'classifier.fc.weight' (stored as 'classifier.module.fc.weight') has shape [100, 64], a resnet32 model with 10 classes expects [10, 64]", error.Message);
    }

    [Fact]
    public void WithoutTheClassifierOnlyTheBackboneMustFit()
    {
        using var folder = new TempDirectory();
        using var hundredClasses = PerturbedModel("resnet32", 1, 100);
        string path = folder.Combine("weights.safetensors");
        SaveForeign(path, hundredClasses.state_dict().Select(t => KeyValuePair.Create(PyTorchKeys.ToOriginal(t.Key), t.Value)));
        using var tenClasses = PerturbedModel("resnet32", 1, 10);
        using var images = SmallImages(1);

        var info = ModelWeights.LoadInto(tenClasses, path, includeClassifier: false);

        Assert.Equal(100, info.ClassCount);
        Assert.Equal(Features(hundredClasses, images), Features(tenClasses, images));
    }

    [Fact]
    public void ABackboneTensorTheModelLacksIsRejected()
    {
        using var folder = new TempDirectory();
        using var model = PerturbedModel("resnet32", 1, 3);
        using var extra = TorchSharp.torch.zeros(4);
        string path = folder.Combine("weights.safetensors");
        SaveForeign(path, model.state_dict().Append(KeyValuePair.Create("feat_model.layer4.0.bn1.bias", extra)));

        var error = Assert.Throws<BalmsException>(() => ModelWeights.LoadInto(model, path, includeClassifier: true));

        Assert.Equal($"{path}: tensor 'feat_model.layer4.0.bn1.bias' has no counterpart in a resnet32 model with 3 classes; is the file a checkpoint of another architecture?", error.Message);
    }

    [Fact]
    public void ATorchvisionStyleBackboneFileLoadsWithoutBatchCounters()
    {
        using var folder = new TempDirectory();
        using var source = PerturbedModel("resnet32", 1, 3);
        string path = folder.Combine("backbone.safetensors");
        // conv1.weight, layer1.0.bn1.running_mean, ... and no num_batches_tracked, as PyTorch < 0.4.1 wrote them.
        SaveForeign(path, source.Backbone.state_dict().Where(t => !t.Key.EndsWith("num_batches_tracked")));
        using var fresh = LongTailModel.Create("resnet32", 1, 3);
        using var images = SmallImages(1);

        var info = ModelWeights.LoadInto(fresh, path, includeClassifier: false);

        Assert.Equal(Features(source, images), Features(fresh, images));
        Assert.Equal(0L, fresh.state_dict()["feat_model.bn1.num_batches_tracked"].item<long>());
        Assert.Null(info.ClassCount);
        var error = Assert.Throws<BalmsException>(() => ModelWeights.LoadInto(fresh, path, includeClassifier: true));
        Assert.Contains("no tensor 'classifier.fc.weight'", error.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read("/nonexistent/best.pth"));
        Assert.Equal("checkpoint not found: /nonexistent/best.pth", error.Message);
    }
}
