using Balms.Data.LongTail;

namespace Balms.Data.Readers;

/// <summary>
/// The splits of an image folder: the training images, the optional val images, the test images, the class names
/// (folder names in ordinal order), the index into the scanned folder of every training image, and a short
/// description of how the splits were made.
/// </summary>
public sealed record ImageFolderSplits(ISampleSource Train, ISampleSource? Validation, ISampleSource Test,
    IReadOnlyList<int> TrainIndices, IReadOnlyList<string> ClassNames, string Layout);

/// <summary>
/// A user's own images, one folder per class, in one of two layouts: <c>root/train/&lt;class&gt;/*</c> with
/// <c>root/test/&lt;class&gt;/*</c> and optionally <c>root/val/&lt;class&gt;/*</c> (the user's splits; the training
/// folders fix the classes), or <c>root/&lt;class&gt;/*</c> (test and val held out by <see cref="ImageFolderHoldout"/>).
/// A root holding a train folder is read in the first layout.
/// </summary>
public static class ImageFolder
{
    public const string TrainFolder = "train", ValidationFolder = "val", TestFolder = "test";

    /// <param name="testFraction">Single folder: fraction of each class held out for test.</param>
    /// <param name="valFraction">Single folder: fraction of each class held out for val (0 = no val split).</param>
    /// <param name="seed">Single folder: the seed of the held-out choice.</param>
    /// <exception cref="DataException">The root is missing, a needed split folder is missing, a class folder is empty
    /// or unknown, a link leads out of a class folder or to an image already read, or the held-out fraction leaves no
    /// test image.</exception>
    public static ImageFolderSplits Open(string root, double testFraction, double valFraction, int seed)
    {
        if (!Directory.Exists(root))
            throw new DataException($"image folder not found: {root} does not exist; set data.root (or pass --data-root DIR) to a folder holding one sub-folder of images per class, or train/ and test/ folders of them");
        return Directory.Exists(Path.Combine(root, TrainFolder)) ? OpenSplitFolders(root) : OpenSingleFolder(root, testFraction, valFraction, seed);
    }

    private static ImageFolderSplits OpenSplitFolders(string root)
    {
        string trainFolder = Path.Combine(root, TrainFolder), testFolder = Path.Combine(root, TestFolder);
        string validationFolder = Path.Combine(root, ValidationFolder);
        if (!Directory.Exists(testFolder))
            throw new DataException($"{testFolder} does not exist; next to {trainFolder} put a test folder of the same class folders (or move the class folders up into {root} to have a test split held out)");
        var classNames = ImageFolderSource.ClassNamesOf(trainFolder);
        var train = ImageFolderSource.Scan(trainFolder, classNames);
        var test = NonEmpty(ImageFolderSource.Scan(testFolder, classNames));
        var validation = Directory.Exists(validationFolder) ? NonEmpty(ImageFolderSource.Scan(validationFolder, classNames)) : null;
        // An image linked into two splits would be tested on after being trained on.
        ImageFolderSource.RejectRepeatedFiles(new[] { train, validation, test }.OfType<ImageFolderSource>().SelectMany(split => split.Files));
        string layout = validation is null ? "train/test folders" : "train/val/test folders";
        return new ImageFolderSplits(train, validation, test, Enumerable.Range(0, train.Count).ToArray(), classNames, layout);
    }

    private static ImageFolderSplits OpenSingleFolder(string root, double testFraction, double valFraction, int seed)
    {
        var classNames = ImageFolderSource.ClassNamesOf(root);
        var all = ImageFolderSource.Scan(root, classNames);
        var split = ImageFolderHoldout.Split(all.Labels, classNames.Count, testFraction, valFraction, seed);
        if (split.Test.Count == 0)
            throw new DataException($"{root}: holdout_fraction {testFraction:G} holds out no test image from classes this small; raise data.holdout_fraction or add images");
        var validation = split.Validation.Count > 0 ? new SubsetSource(all, split.Validation) : null;
        string layout = $"test {Percent(testFraction)}{(validation is null ? "" : $" and val {Percent(valFraction)}")} of every class held out with data seed {seed}";
        return new ImageFolderSplits(new SubsetSource(all, split.Train), validation, new SubsetSource(all, split.Test),
            split.Train, classNames, layout);
    }

    private static string Percent(double fraction) => $"{100 * fraction:G4}%";

    private static ImageFolderSource NonEmpty(ImageFolderSource split) =>
        split.Count > 0 ? split : throw new DataException($"{split.Folder}: no class folders with images; expected {Path.Combine(split.Folder, "<class>", "*.jpg")}");
}
