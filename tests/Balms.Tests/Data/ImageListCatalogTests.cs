using Balms.Configuration;
using Balms.Data;
using Balms.Data.Readers;
using Balms.Models;
using Balms.Tests.Data.Readers;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Data;

/// <summary>ImageNet-LT / Places-LT through <see cref="DatasetCatalog"/> on a generated six-image benchmark.</summary>
public class ImageListCatalogTests
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f], ImageNetStd = [0.229f, 0.224f, 0.225f];

    private static ExperimentOptions Options(ImageListFixture fixture, bool skip = false, string? listDir = null) => new()
    {
        Data = new DataOptions
        {
            Dataset = DatasetKind.ImagenetLt, Root = fixture.Root, ListDir = listDir ?? fixture.ListDir, SkipBadImages = skip, Workers = 2,
        },
    };

    [Fact]
    public void SplitsFollowTheOriginal()
    {
        using var fixture = ImageListFixture.Tiny();

        var data = DatasetCatalog.Load(Options(fixture));

        Assert.Equal("ImageNet-LT", data.DatasetName);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(3, data.InputChannels);
        Assert.Equal([0, 0, 0, 1, 1, 2], data.Train.Labels);
        Assert.Equal([3L, 2, 1], data.Train.ClassCounts());
        Assert.Equal(Enumerable.Range(0, 6), data.TrainIndices);
        Assert.Equal(["class_0", "class_1", "class_2"], data.ClassNames);
        Assert.NotNull(data.Validation);
        Assert.Equal("val", data.SelectionSplit);
        Assert.Equal(fixture.ImagePath("val/class_1/1.jpg"), ((ImageListSource)data.Validation.Source).ImagePath(1));
        Assert.Equal(fixture.ImagePath("test/class_2/2.png"), ((ImageListSource)data.Test.Source).ImagePath(2));
        foreach (var split in new[] { data.Train, data.Validation, data.Test })
            Assert.Equal(new SampleShape(3, 224, 224), split.Transform.OutputShape);
        // BALMS's meta set is the val list with the test transform, whatever the seed.
        var meta = data.MetaSetFactory!(17);
        Assert.Same(data.Validation.Source, meta.Source);
        Assert.Same(data.Validation.Transform, meta.Transform);
    }

    [Fact]
    public void ListsDefaultToTheDataRoot()
    {
        using var fixture = ImageListFixture.Tiny();
        foreach (string split in new[] { "train", "val", "test" })
            File.Copy(fixture.ListPath(split), Path.Combine(fixture.Root, Path.GetFileName(fixture.ListPath(split))));
        var options = Options(fixture);
        options = options with { Data = options.Data with { ListDir = null } };
        Directory.Delete(fixture.ListDir, recursive: true);

        var data = DatasetCatalog.Load(options);

        Assert.Equal(6, data.Train.Count);
    }

    [Fact]
    public void DefaultRootsAreTheOriginals()
    {
        Assert.Equal(Path.Combine("dataset", "ImageNet"), DatasetCatalog.DefaultRoot(DatasetKind.ImagenetLt));
        Assert.Equal(Path.Combine("dataset", "Places-LT"), DatasetCatalog.DefaultRoot(DatasetKind.PlacesLt));
    }

    [Fact]
    public void PlacesLtReadsThePlacesLists()
    {
        using var fixture = ImageListFixture.Tiny();
        foreach (string split in new[] { "train", "val", "test" })
            File.Move(fixture.ListPath(split), Path.Combine(fixture.ListDir, $"Places_LT_{split}.txt"));
        var options = Options(fixture);
        options = options with { Data = options.Data with { Dataset = DatasetKind.PlacesLt } };

        var data = DatasetCatalog.Load(options);

        Assert.Equal("Places-LT", data.DatasetName);
        Assert.Equal(6, data.Train.Count);
    }

    [Fact]
    public void SkippedImagesAreReportedInTheDatasetName()
    {
        using var fixture = ImageListFixture.Tiny();
        File.Delete(fixture.ImagePath("train/class_0/1.jpg"));
        File.WriteAllText(fixture.ImagePath("val/class_2/2.png"), "broken");

        var data = DatasetCatalog.Load(Options(fixture, skip: true));

        Assert.Equal("ImageNet-LT (unreadable images skipped: train 1, val 1, test 0)", data.DatasetName);
        Assert.Equal([0, 2, 3, 4, 5], data.TrainIndices);
        Assert.Equal([0, 0, 1, 1, 2], data.Train.Labels);
        Assert.Equal(2, data.Validation!.Count);
    }

    [Fact]
    public void TestTransformOfAFlatPngIsTheNormalisedColour()
    {
        using var fixture = ImageListFixture.Tiny();
        var data = DatasetCatalog.Load(Options(fixture));
        var loader = new BatchLoader(data.Test, workers: 1, prefetch: 1, seed: 0, torch.CPU);

        // Test images 0 and 2 are PNG, so their pixels are exactly the class colours.
        using var batch = loader.Load([0, 2], epoch: 0, step: 0);

        Assert.Equal([2L, 3, 224, 224], batch.Images.shape);
        Assert.Equal([0L, 2], batch.Labels.data<long>().ToArray());
        float[] values = batch.Images.data<float>().ToArray();
        for (int row = 0; row < 2; row++)
        {
            byte[] colour = ImageListFixture.ColourOf(row == 0 ? 0 : 2);
            for (int c = 0; c < 3; c++)
            {
                float expected = (colour[c] / 255f - ImageNetMean[c]) / ImageNetStd[c];
                var plane = values.AsSpan((row * 3 + c) * 224 * 224, 224 * 224);
                foreach (float value in plane) Assert.Equal(expected, value, 1e-5f);
            }
        }
    }

    [Fact]
    public void TrainTransformStaysInRangeAndIsDeterministicUnderTheSeed()
    {
        using var fixture = ImageListFixture.Tiny();
        var data = DatasetCatalog.Load(Options(fixture));
        int[] indices = [0, 3, 5];

        float[] Load(int seed, int step)
        {
            using var batch = new BatchLoader(data.Train, workers: 2, prefetch: 1, seed, torch.CPU).Load(indices, epoch: 1, step);
            Assert.Equal([3L, 3, 224, 224], batch.Images.shape);
            return batch.Images.data<float>().ToArray();
        }

        float[] first = Load(seed: 5, step: 0);
        Assert.Equal(first, Load(seed: 5, step: 0));
        Assert.NotEqual(first, Load(seed: 6, step: 0));
        Assert.NotEqual(first, Load(seed: 5, step: 1));
        for (int i = 0; i < first.Length; i++)
        {
            int channel = i / (224 * 224) % 3;
            Assert.InRange(first[i], (0f - ImageNetMean[channel]) / ImageNetStd[channel] - 1e-5f, (1f - ImageNetMean[channel]) / ImageNetStd[channel] + 1e-5f);
        }
    }

    [Fact]
    public void ResNet10TrainsAFewStepsOnTheGeneratedImages()
    {
        using var fixture = ImageListFixture.Tiny();
        var data = DatasetCatalog.Load(Options(fixture));
        torch.manual_seed(0);
        using var model = LongTailModel.Create("resnet10", data.InputChannels, data.ClassCount);
        model.train();
        using var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.05, momentum: 0.9);
        using var initialHead = model.Head.parameters().First().detach().clone();
        var loader = new BatchLoader(data.Train, workers: 2, prefetch: 2, seed: 0, torch.CPU);

        var losses = new List<float>();
        var labels = new List<long>();
        // Two steps of batch 2 keep the test short: a 224x224 ResNet-10 step costs about a second on two CPU cores.
        foreach (var batch in loader.Stream(BatchLoader.Sequential(data.Train.Count, batchSize: 2).Take(2), epoch: 1))
        {
            using var owned = batch;
            using var scope = torch.NewDisposeScope();
            var logits = model.call(batch.Images);
            Assert.Equal([2L, 3], logits.shape);
            var loss = nn.functional.cross_entropy(logits, batch.Labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
            labels.AddRange(batch.Labels.data<long>().ToArray());
        }

        Assert.Equal(2, losses.Count);
        Assert.All(losses, loss => Assert.True(float.IsFinite(loss) && loss > 0));
        Assert.Equal([0L, 0, 0, 1], labels);
        Assert.False(initialHead.allclose(model.Head.parameters().First()), "the classifier did not move");
    }
}
