namespace Balms.Data.Readers;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test 28x28 grey images of 10 clothing classes, in the
/// four IDX files of the official distribution, gzip-compressed or not.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>
    /// Reads one split from <paramref name="directory"/>, which holds {train,t10k}-{images-idx3,labels-idx1}-ubyte,
    /// each either with or without the .gz suffix.
    /// </summary>
    public static ISampleSource Open(string directory, DatasetSplit split)
    {
        string prefix = split == DatasetSplit.Train ? "train" : "t10k";
        string imagesPath = Locate(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Locate(directory, $"{prefix}-labels-idx1-ubyte");

        var (pixels, count, rows, columns) = IdxFile.ReadImages(imagesPath);
        var labelBytes = IdxFile.ReadLabels(labelsPath);
        if (labelBytes.Length != count)
            throw new DataException($"{labelsPath}: {labelBytes.Length} labels but {imagesPath} holds {count} images");

        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = labelBytes[i];
            if (labels[i] >= ClassNames.Count)
                throw new DataException($"{labelsPath}: label {labels[i]} of record {i} is not a class id 0..{ClassNames.Count - 1}");
        }
        // One grey channel: row-major IDX images already are height x width x channels.
        var block = new ImageBlock(imagesPath, pixels, labels);
        return new InMemoryImageSource([block], rows, columns, channels: 1, ClassNames);
    }

    private static string Locate(string directory, string baseName)
    {
        string[] candidates = [Path.Combine(directory, baseName + ".gz"), Path.Combine(directory, baseName)];
        return candidates.FirstOrDefault(File.Exists) ?? throw new DataException(
            $"Fashion-MNIST file not found: looked for {string.Join(" and ", candidates)}; get {baseName}.gz from " +
            $"https://github.com/zalandoresearch/fashion-mnist (or install Debian's dataset-fashion-mnist, which puts it in {DebianDirectory})");
    }
}
