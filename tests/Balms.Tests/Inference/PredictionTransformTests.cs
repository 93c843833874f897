using Balms.Configuration;
using Balms.Data;
using Balms.Data.Readers;
using Balms.Data.Transforms;
using Balms.Inference;
using Balms.Tests.Data.Images;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;

namespace Balms.Tests.Inference;

public class PredictionTransformTests
{
    /// <summary>
    /// Predict rebuilds a run's test transform from the key the run records in its checkpoints, so on every dataset the
    /// rebuilt transform must prepare an image exactly as the run's test split does, and the key must stay the text
    /// existing checkpoints hold.
    /// </summary>
    [Theory]
    [InlineData(DatasetKind.FashionMnistLt, "fashion_mnist:28")]
    [InlineData(DatasetKind.Cifar10Lt, "cifar:32")]
    [InlineData(DatasetKind.Cifar100Lt, "cifar:32")]
    [InlineData(DatasetKind.ImagenetLt, "imagenet:224")]
    [InlineData(DatasetKind.PlacesLt, "imagenet:224")]
    [InlineData(DatasetKind.ImageFolder, "imagenet:64")]
    public void PredictPreparesImagesAsTheRunsTestSplit(DatasetKind dataset, string expectedKey)
    {
        var (options, files) = WriteDataset(dataset);
        using (files)
        {
            var data = DatasetCatalog.Load(new ExperimentOptions { Data = options });
            string key = data.TestTransformKey.ToString();
            Assert.Equal(expectedKey, key);

            var predict = PredictionTransform.For(Info(key, data.DatasetName));
            // The size of a test image, but every pixel different (the fixtures' images can be flat), so that a changed
            // resize or crop shows as well as a changed normalisation.
            var own = data.Test.Source.Read(0);
            var image = ImageFiles.Gradient(own.Height, own.Width, own.Channels);
            Assert.Equal(Prepare(data.Test.Transform, image), Prepare(predict, image));
        }
    }

    [Theory]
    [InlineData("imagenet:64", "image folder x", 3, 64)]
    [InlineData("cifar:32", "anything", 3, 32)]
    [InlineData(null, "Fashion-MNIST-LT (IF 200)", 1, 28)]
    [InlineData(null, "CIFAR-10-LT (IF 100)", 3, 32)]
    [InlineData(null, "ImageNet-LT", 3, 224)]
    public void TheTransformComesFromTheKeyOrElseTheDatasetName(string? key, string dataset, int channels, int size)
    {
        var transform = PredictionTransform.For(Info(key, dataset));

        Assert.Equal(new SampleShape(channels, size, size), transform.OutputShape);
    }

    [Fact]
    public void FixedSizeFamiliesResizeOtherImagesAndLeaveTheirOwnSizeUntouched()
    {
        var transform = PredictionTransform.For(Info("cifar:32", "x"));
        var own = ImageTransforms.Test(TestTransformKey.Cifar);
        var image = ImageFiles.Gradient(32, 32, 3);
        float[] expected = new float[own.OutputShape.Length], actual = new float[own.OutputShape.Length];
        own.Apply(image, new Random(0), expected);
        transform.Apply(image, new Random(0), actual);
        Assert.Equal(expected, actual);

        // A flat 64x48 image resizes to a flat 32x32 one of the same colour.
        float[] flat = new float[own.OutputShape.Length], reference = new float[own.OutputShape.Length];
        transform.Apply(ImageFiles.Flat(64, 48, 10, 120, 250), new Random(0), flat);
        own.Apply(ImageFiles.Flat(32, 32, 10, 120, 250), new Random(0), reference);
        Assert.Equal(reference, flat);
    }

    [Fact]
    public void UnknownKeysAreRejected()
    {
        Assert.Throws<BalmsException>(() => PredictionTransform.For(Info("imagenet", "x")));
        Assert.Throws<BalmsException>(() => PredictionTransform.For(Info("mnist:28", "x")));
    }

    [Fact]
    public void LumaIsPilsConvertL()
    {
        // PIL: Image.new('RGB', (1, 1), c).convert('L') gives 76 for red, 150 for green, 29 for blue, 255 for white.
        var rgb = new RawImage([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], 1, 4, 3);

        Assert.Equal([76, 150, 29, 255], PredictionImages.Luma(rgb).Pixels);
    }

    /// <summary>A tiny copy of the dataset in its real layout, deleted when the returned handle is disposed.</summary>
    private static (DataOptions Options, IDisposable Files) WriteDataset(DatasetKind dataset)
    {
        if (dataset is DatasetKind.ImagenetLt or DatasetKind.PlacesLt)
        {
            var lists = ImageListFixture.Tiny();
            if (dataset == DatasetKind.PlacesLt)
                foreach (string split in new[] { "train", "val", "test" })
                    File.Move(lists.ListPath(split), Path.Combine(lists.ListDir, $"Places_LT_{split}.txt"));
            return (new DataOptions { Dataset = dataset, Root = lists.Root, ListDir = lists.ListDir }, lists);
        }
        var temp = new TempDirectory();
        switch (dataset)
        {
            case DatasetKind.FashionMnistLt:
                TinyFashionMnist.Write(temp.Path);
                break;
            case DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt:
                var variant = dataset == DatasetKind.Cifar10Lt ? CifarVariant.Cifar10 : CifarVariant.Cifar100;
                CifarFixture.Write(temp.Path, variant, python: false, CifarPackaging.Folder);
                break;
            default:
                ImageFolderFixture.WriteClasses(temp.Combine("train"), ("a", 2), ("b", 1));
                ImageFolderFixture.WriteClasses(temp.Combine("test"), ("a", 1), ("b", 1));
                break;
        }
        // A head class of one image and an imbalance of 2 leave the other classes empty, as the tiny CIFAR files need.
        return (new DataOptions { Dataset = dataset, Root = temp.Path, HeadClassSize = 1, ImbalanceFactor = 2, ImageSize = 64 },
            temp);
    }

    private static float[] Prepare(IImageTransform transform, RawImage image)
    {
        var sample = new float[transform.OutputShape.Length];
        transform.Apply(image, new Random(0), sample);
        return sample;
    }

    private static CheckpointInfo Info(string? key, string dataset) => new()
    {
        Backbone = "resnet32", InputChannels = 3, ClassCount = 2, ClassNames = ["a", "b"], ClassCounts = [1, 1],
        Dataset = dataset, Experiment = "x", Epoch = 1, GlobalStep = 1, InputTransform = key,
    };
}
