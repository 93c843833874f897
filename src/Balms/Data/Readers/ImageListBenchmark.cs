namespace Balms.Data.Readers;

/// <summary>The train, val and test splits of an image-list benchmark, with the class names of the training list.</summary>
public sealed record ImageListSplits(
    ImageListSplit Train, ImageListSplit Validation, ImageListSplit Test, IReadOnlyList<string> ClassNames);

/// <summary>
/// A long-tailed benchmark given by three lists in OLTR's format, <c>&lt;ListName&gt;_{train,val,test}.txt</c>, whose
/// paths are relative to an image root. The class count is the largest training label + 1; val and test labels must
/// lie below it. Class names come from an optional <c>&lt;ListName&gt;_classnames.txt</c> next to the lists (see
/// <see cref="ImageListFile.ReadClassNames"/>), otherwise they are class_0, class_1, ...
/// </summary>
public sealed record ImageListBenchmark(string ListName, string DisplayName, string ImageDownload)
{
    /// <summary>The repository whose data/ folder ships the ImageNet-LT and Places-LT lists.</summary>
    public const string ListsRepository = "https://github.com/jiawei-ren/BalancedMetaSoftmax-Classification";

    public static ImageListBenchmark ImageNetLt { get; } = new(
        "ImageNet_LT", "ImageNet-LT", "the ImageNet (ILSVRC-2012) train and val images from https://image-net.org/download.php");

    public static ImageListBenchmark PlacesLt { get; } = new(
        "Places_LT", "Places-LT", "the Places365-Standard images from http://places2.csail.mit.edu/download.html");

    /// <summary>The list suffixes; the first is the training list, which fixes the classes.</summary>
    private static readonly string[] SplitNames = ["train", "val", "test"];

    public string ListPath(string listDirectory, string split) => Path.Combine(listDirectory, $"{ListName}_{split}.txt");

    public string ClassNamesPath(string listDirectory) => Path.Combine(listDirectory, $"{ListName}_classnames.txt");

    /// <param name="imageRoot">Folder the listed paths are relative to.</param>
    /// <param name="listDirectory">Folder holding the three list files (and optionally the class names).</param>
    /// <param name="skipUnreadable">Leave out images that cannot be decoded (see <see cref="ImageListSplit.Readable"/>)
    /// instead of failing when a batch reads one.</param>
    /// <param name="workers">Threads for the up-front pass of <paramref name="skipUnreadable"/>.</param>
    /// <param name="progress">Told how that pass advances.</param>
    /// <exception cref="DataException">The image root or a list is missing, or a list is malformed.</exception>
    public ImageListSplits Open(string imageRoot, string listDirectory, bool skipUnreadable, int workers, IPassProgress? progress = null)
    {
        if (!Directory.Exists(imageRoot))
            throw new DataException($"{DisplayName} images not found: {imageRoot} does not exist; download {ImageDownload} and pass --data-root DIR (or set data.root) naming the folder the list paths start from");
        foreach (string split in SplitNames)
        {
            string path = ListPath(listDirectory, split);
            if (!File.Exists(path))
                throw new DataException($"{DisplayName} list not found: {path} does not exist; the lists {ListName}_{{train,val,test}}.txt come from the data/{ListName} folder of the original repository ({ListsRepository}); put them in the data root or set data.list_dir");
        }

        // Parse every list before the (possibly long) pass over the images, so a malformed list fails at once.
        var entries = SplitNames.Select(split => ImageListFile.Read(ListPath(listDirectory, split))).ToArray();
        int classCount = entries[0].Max(entry => entry.Label) + 1;
        if (classCount == 1)
            throw new DataException($"{ListPath(listDirectory, "train")}: every image has label 0, a single class; a classifier needs at least two classes");
        string namesPath = ClassNamesPath(listDirectory);
        var classNames = File.Exists(namesPath)
            ? ImageListFile.ReadClassNames(namesPath, classCount)
            : GeneratedClassNames(classCount);
        var lists = SplitNames
            .Select((split, i) => new ImageListSource(ListPath(listDirectory, split), imageRoot, entries[i], classNames))
            .ToArray();
        var splits = lists
            .Select(list => skipUnreadable ? ImageListSplit.Readable(list, workers, progress) : ImageListSplit.All(list))
            .ToArray();
        return new ImageListSplits(splits[0], splits[1], splits[2], classNames);
    }

    /// <summary>The names classes get when the lists come without a class-names file.</summary>
    public static string[] GeneratedClassNames(int classCount) => Enumerable.Range(0, classCount).Select(c => $"class_{c}").ToArray();
}
