using Balms.Data;
using Balms.Data.Readers;
using Balms.Data.Transforms;
using Balms.Tests.Data.LongTail;
using Balms.Training.Checkpoints;

namespace Balms.Tests.Training.Checkpoints;

public class TrainingDataMatchTests
{
    private static ExperimentData Data(string[] classNames)
    {
        var source = new LabelOnlySource([0, 1, 2, 0], 3);
        var set = new ImageDataset(source, ImageTransforms.Test(TestTransformKey.Cifar));
        return new ExperimentData("tiny", set, set, TestTransformKey.Cifar, null, [0, 1, 2, 3], classNames);
    }

    private static WeightsInfo Weights(CheckpointInfo info) => new("a.safetensors", WeightsFormat.BalmsCheckpoint, "Balms checkpoint", 10, 1, 3, info);

    private static CheckpointInfo Info(string[] classNames) => new()
    {
        Backbone = "resnet32", InputChannels = 3, ClassCount = 3, ClassNames = classNames, ClassCounts = [2, 1, 1],
        Dataset = "tiny", Experiment = "tiny", Epoch = 1, GlobalStep = 1, InputTransform = TestTransformKey.Cifar.ToString(),
    };

    [Fact]
    public void NumberedClassesMatchNamedOnesButOtherNamesDoNot()
    {
        string[] named = ["ant", "bee", "cow"], numbered = ImageListBenchmark.GeneratedClassNames(3);

        // An image list's class-names file added or removed between the runs changes nothing.
        TrainingDataMatch.Check(Weights(Info(numbered)), Data(named));
        TrainingDataMatch.Check(Weights(Info(named)), Data(numbered));
        TrainingDataMatch.Check(Weights(Info(named)), Data(named));
        var error = Assert.Throws<BalmsException>(() => TrainingDataMatch.Check(Weights(Info(named)), Data(["ant", "bug", "cow"])));
        Assert.Contains("class 1 is 'bee' there and 'bug' here", error.Message);
    }

    [Fact]
    public void AnotherInputSizeIsRefused()
    {
        var error = Assert.Throws<BalmsException>(() =>
            TrainingDataMatch.Check(Weights(Info(["ant", "bee", "cow"]) with { InputTransform = "cifar:40" }), Data(["ant", "bee", "cow"])));
        Assert.Contains("prepared as cifar:40, but this config prepares them as cifar:32", error.Message);
    }
}
