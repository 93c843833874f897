using Balms.Configuration;
using Balms.Data.LongTail;
using Balms.Data.Readers;
using Balms.Data.Transforms;

namespace Balms.Data;

/// <summary>Builds the splits of a configured benchmark: the long-tailed training set, the test set and the meta set.</summary>
public static class DatasetCatalog
{
    /// <param name="progress">Told how the pass that opens every image file of an image folder or list advances.</param>
    /// <exception cref="DataException">The data is missing or malformed, or image files of an image folder or list
    /// cannot be opened (unless data.skip_bad_images leaves them out).</exception>
    public static ExperimentData Load(ExperimentOptions options, IPassProgress? progress = null)
    {
        var data = options.Data;
        // Each reader would say its folder "does not exist", which hides that the path names a file.
        if (data.Root is { } root && File.Exists(root))
            throw new DataException($"data root {root} is a file, not a folder; --data-root (data.root) names the folder that holds the dataset");
        return data.Dataset switch
        {
            DatasetKind.FashionMnistLt => FashionMnistLt(data),
            DatasetKind.Cifar10Lt => CifarLt(data, CifarVariant.Cifar10),
            DatasetKind.Cifar100Lt => CifarLt(data, CifarVariant.Cifar100),
            DatasetKind.ImagenetLt => ImageListLt(data, ImageListBenchmark.ImageNetLt, progress),
            DatasetKind.PlacesLt => ImageListLt(data, ImageListBenchmark.PlacesLt, progress),
            DatasetKind.ImageFolder => ImageFolderData(data, progress),
            _ => throw new ConfigException($"dataset {data.Dataset} is not supported"),
        };
    }

    /// <summary>Where a dataset is read from when the config and the command line give no root.</summary>
    public static string DefaultRoot(DatasetKind dataset) => dataset switch
    {
        DatasetKind.FashionMnistLt => FashionMnist.DebianDirectory,
        DatasetKind.Cifar10Lt => Path.Combine("dataset", "CIFAR10"),
        DatasetKind.Cifar100Lt => Path.Combine("dataset", "CIFAR100"),
        DatasetKind.ImagenetLt => Path.Combine("dataset", "ImageNet"),
        DatasetKind.PlacesLt => Path.Combine("dataset", "Places-LT"),
        _ => ".",
    };

    private static ExperimentData FashionMnistLt(DataOptions data)
    {
        string root = data.Root ?? DefaultRoot(data.Dataset);
        if (!Directory.Exists(root))
            throw new DataException($"Fashion-MNIST not found: {root} does not exist; install it with 'apt-get install dataset-fashion-mnist' (Debian) or pass --data-root DIR holding train-images-idx3-ubyte.gz and the other three IDX files");
        var fullTrain = FashionMnist.Open(root, DatasetSplit.Train);
        var test = FashionMnist.Open(root, DatasetSplit.Test);
        var train = LongTailPresets.FashionMnist(fullTrain, data.ImbalanceFactor, data.HeadClassSize);
        int[] profile = LongTailPresets.FashionMnistProfile(fullTrain.ClassCount, data.ImbalanceFactor, data.HeadClassSize);
        return new ExperimentData(
            $"Fashion-MNIST-LT (IF {data.ImbalanceFactor:G})",
            new ImageDataset(train, ImageTransforms.FashionMnistTrain()),
            new ImageDataset(test, ImageTransforms.Test(TestTransformKey.FashionMnist)),
            TestTransformKey.FashionMnist,
            Validation: null,
            train.BaseIndices,
            fullTrain.ClassNames,
            // The meta set: the same class counts, drawn at random (the training set is the first n_c images).
            seed => new ImageDataset(LongTailSubsets.RandomPerClass(fullTrain, profile, seed), ImageTransforms.FashionMnistTrain()));
    }

    private static ExperimentData CifarLt(DataOptions data, CifarVariant variant)
    {
        string root = data.Root ?? DefaultRoot(data.Dataset);
        var fullTrain = Cifar.Open(root, variant, DatasetSplit.Train);
        var test = Cifar.Open(root, variant, DatasetSplit.Test);
        var train = LongTailPresets.Cifar(fullTrain, data.ImbalanceFactor, data.DataSeed, data.HeadClassSize);
        return new ExperimentData(
            $"{variant.DisplayName()}-LT (IF {data.ImbalanceFactor:G})",
            new ImageDataset(train, ImageTransforms.CifarTrain()),
            new ImageDataset(test, ImageTransforms.Test(TestTransformKey.Cifar)),
            TestTransformKey.Cifar,
            Validation: null,
            train.BaseIndices,
            fullTrain.ClassNames,
            // As the original: an independently drawn long-tailed subset with training augmentation.
            seed => new ImageDataset(LongTailPresets.Cifar(fullTrain, data.ImbalanceFactor, seed, data.HeadClassSize), ImageTransforms.CifarTrain()));
    }

    /// <summary>
    /// ImageNet-LT / Places-LT as the original: the train list for training, the val list (20 images a class) for
    /// selecting the best epoch and as the BALMS meta set, the test list for the reported numbers.
    /// </summary>
    private static ExperimentData ImageListLt(DataOptions data, ImageListBenchmark benchmark, IPassProgress? progress)
    {
        string root = data.Root ?? DefaultRoot(data.Dataset);
        var splits = benchmark.Open(root, data.ListDir ?? root, data.SkipBadImages, data.Workers, progress);
        // Skipping has decoded every image already.
        if (!data.SkipBadImages)
            ImageFileCheck.RequireReadableHeaders([splits.Train.Samples, splits.Validation.Samples, splits.Test.Samples], data.Workers, progress,
                "restore them, or set data.skip_bad_images: true to leave them out");
        string name = data.SkipBadImages
            ? $"{benchmark.DisplayName} (unreadable images skipped: train {splits.Train.Skipped.Count}, val {splits.Validation.Skipped.Count}, test {splits.Test.Skipped.Count})"
            : benchmark.DisplayName;
        var testTransform = TestTransformKey.ImageNet();
        var validation = new ImageDataset(splits.Validation.Samples, ImageTransforms.Test(testTransform));
        return new ExperimentData(
            name,
            new ImageDataset(splits.Train.Samples, ImageTransforms.ImageNetTrain()),
            new ImageDataset(splits.Test.Samples, ImageTransforms.Test(testTransform)),
            testTransform,
            validation,
            splits.Train.ListIndices,
            splits.ClassNames,
            // The original's meta set is the val list with the test transform; there is nothing random to seed.
            _ => validation);
    }

    /// <summary>
    /// The user's own images (see <see cref="ImageFolder"/>), with the ImageNet transforms at data.image_size. The val
    /// split, when there is one, selects the best epoch and is the BALMS meta set; without it the best epoch is chosen
    /// on test (as for CIFAR-LT) and the meta set is a class-balanced draw from the training images.
    /// </summary>
    private static ExperimentData ImageFolderData(DataOptions data, IPassProgress? progress)
    {
        string root = data.Root
            ?? throw new DataException("dataset image_folder needs data.root (or --data-root DIR): the folder holding your class folders");
        var splits = ImageFolder.Open(root, data.HoldoutFraction, data.ValFraction, data.DataSeed);
        ImageFileCheck.RequireReadableHeaders(new[] { splits.Train, splits.Validation, splits.Test }.OfType<ISampleSource>(), data.Workers, progress,
            "remove or replace them");
        var train = new ImageDataset(splits.Train, ImageTransforms.ImageNetTrain(size: data.ImageSize));
        var testTransform = TestTransformKey.ImageNet(data.ImageSize);
        var validation = splits.Validation is null ? null : new ImageDataset(splits.Validation, ImageTransforms.Test(testTransform));
        return new ExperimentData(
            $"image folder {Path.GetFileName(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar))} ({splits.Layout})",
            train,
            new ImageDataset(splits.Test, ImageTransforms.Test(testTransform)),
            testTransform,
            validation,
            splits.TrainIndices,
            splits.ClassNames,
            seed => validation ?? BalancedMetaSet(train, seed));
    }

    /// <summary>Images a class contributes to a meta set drawn from the training images, as ImageNet-LT's val list.</summary>
    private const int MetaImagesPerClass = 20;

    /// <summary>
    /// Up to <see cref="MetaImagesPerClass"/> random training images of every class (all of a smaller class), with the
    /// training augmentation. The Meta Sampler draws its meta batches class-balanced from it, so a tail class that
    /// gives fewer images is repeated rather than under-represented.
    /// </summary>
    private static ImageDataset BalancedMetaSet(ImageDataset train, int seed)
    {
        int[] counts = train.ClassCounts().Select(count => (int)Math.Min(count, MetaImagesPerClass)).ToArray();
        return new ImageDataset(LongTailSubsets.RandomPerClass(train.Source, counts, seed), train.Transform);
    }
}
