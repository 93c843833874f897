using Balms.Benchmarks;
using Balms.Configuration;
using Balms.Data;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data;

/// <summary>The BALMS meta set of each dataset without a val split: which images, how many a class, drawn by which seed.</summary>
public class MetaSetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ExperimentData Load(string dataBlock) =>
        DatasetCatalog.Load(ConfigLoader.Parse($"name: meta\ndata: {dataBlock}\ntraining: {{num_epochs: 1}}\n", "meta.yaml"));

    private static string[] Images(ImageDataset set) => Enumerable.Range(0, set.Count).Select(set.Source.Describe).ToArray();

    /// <summary>Same class counts as the training set, a fresh draw per seed, and not simply the training images.</summary>
    private static void AssertRedrawnLikeTheTrainingSet(ExperimentData data)
    {
        var first = data.MetaSetFactory!(1);
        Assert.Equal(data.Train.ClassCounts(), first.ClassCounts());
        Assert.Equal(Images(first), Images(data.MetaSetFactory(1)));
        Assert.NotEqual(Images(first), Images(data.MetaSetFactory(2)));
        Assert.NotEqual(Images(data.Train).Order(), Images(first).Order());
    }

    [Fact]
    public void FashionMnistLtDrawsTheTrainingProfileAtRandom()
    {
        string root = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        AssertRedrawnLikeTheTrainingSet(Load($"{{dataset: fashion_mnist_lt, root: {root}, imbalance_factor: 10, head_class_size: 40}}"));
    }

    [Fact]
    public void CifarLtDrawsAnotherLongTailedSubset()
    {
        string root = SyntheticDatasets.WriteCifar10(_temp.Combine("cifar"), trainPerClass: 30, testPerClass: 2, seed: 3);
        AssertRedrawnLikeTheTrainingSet(Load($"{{dataset: cifar10_lt, root: {root}, imbalance_factor: 10, head_class_size: 20}}"));
    }

    [Fact]
    public void AnImageFolderWithoutValDrawsUpToTwentyTrainingImagesAClass()
    {
        ImageFolderFixture.WriteClasses(_temp.Combine("folder"), ("many", 40), ("few", 6));
        var data = Load($"{{dataset: image_folder, root: {_temp.Combine("folder")}, image_size: 32}}");
        Assert.Null(data.Validation);

        var meta = data.MetaSetFactory!(1);

        Assert.Equal(data.Train.ClassCounts().Select(count => Math.Min(count, 20)), meta.ClassCounts());
        Assert.Subset(Images(data.Train).ToHashSet(), Images(meta).ToHashSet());
        Assert.NotEqual(Images(meta), Images(data.MetaSetFactory(2)));
    }
}
