using Balms.Data.Images;

namespace Balms.Data.Readers;

/// <summary>
/// The images of one folder of class folders (<c>&lt;folder&gt;/&lt;class&gt;/**/*.{jpg,jpeg,png}</c>), decoded from
/// disk on every <see cref="Read"/>. Holds only immutable arrays, so reading from several threads is safe.
/// </summary>
public sealed class ImageFolderSource : ISampleSource
{
    /// <summary>File extensions taken as images (compared case-insensitively).</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png"];

    private readonly string[] _paths;
    private readonly int[] _labels;

    private ImageFolderSource(string folder, string[] paths, int[] labels, IReadOnlyList<string> classNames)
    {
        Folder = folder;
        _paths = paths;
        _labels = labels;
        ClassNames = classNames;
    }

    /// <summary>
    /// Lists the images of every class folder of <paramref name="folder"/>: classes in <paramref name="classNames"/>
    /// order, files in ordinal order of their path. Hidden files and folders (names starting with '.') are skipped.
    /// A class without a folder has no images here.
    /// </summary>
    /// <exception cref="DataException">A class folder holds no image, or is not one of <paramref name="classNames"/>.</exception>
    public static ImageFolderSource Scan(string folder, IReadOnlyList<string> classNames)
    {
        var paths = new List<string>();
        var labels = new List<int>();
        foreach (string classFolder in ClassFolders(folder))
        {
            string name = Path.GetFileName(classFolder);
            int label = IndexOf(classNames, name);
            if (label < 0)
                throw new DataException($"{classFolder}: class '{name}' is not one of the {classNames.Count} training classes; remove the folder or add it to the training images");
            var images = ImageFiles(classFolder);
            if (images.Count == 0)
                throw new DataException($"{classFolder}: empty class folder (no {string.Join(", ", ImageExtensions)} images); remove it or add images");
            paths.AddRange(images);
            labels.AddRange(Enumerable.Repeat(label, images.Count));
        }
        return new ImageFolderSource(folder, paths.ToArray(), labels.ToArray(), classNames);
    }

    /// <summary>The class names of <paramref name="folder"/>: its sub-folder names in ordinal order.</summary>
    /// <exception cref="DataException">The folder has fewer than two sub-folders.</exception>
    public static IReadOnlyList<string> ClassNamesOf(string folder)
    {
        var names = ClassFolders(folder).Select(Path.GetFileName).Select(name => name!).ToArray();
        if (names.Length == 0)
            throw new DataException($"{folder}: no class folders; expected one sub-folder of images per class, e.g. {Path.Combine(folder, "cat", "1.jpg")}");
        // A single class would train to 100 % accuracy while learning nothing.
        if (names.Length == 1)
            throw new DataException($"{folder}: only one class folder ('{names[0]}'); a classifier needs at least two classes, one sub-folder of images each");
        return names;
    }

    /// <summary>The image files under <paramref name="folder"/> (any depth), in ordinal order of their path.</summary>
    public static IReadOnlyList<string> ImageFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => IsImageFile(path) && !IsHidden(Path.GetRelativePath(folder, path)))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static bool IsImageFile(string path) =>
        ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder the class folders were found in.</summary>
    public string Folder { get; }
    public int Count => _labels.Length;
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }

    public string ImagePath(int index) => _paths[index];

    /// <exception cref="DataException">The image is missing or cannot be decoded; the message names the file.</exception>
    public RawImage Read(int index) => ImageDecoder.ReadRgb(_paths[index]);

    public string Describe(int index) => _paths[index];

    private static IEnumerable<string> ClassFolders(string folder) =>
        Directory.EnumerateDirectories(folder)
            .Where(directory => !IsHidden(Path.GetFileName(directory)))
            .Order(StringComparer.Ordinal);

    // Hidden entries are the file system's or a tool's (.DS_Store folders, macOS "._x.jpg" resource forks), not images.
    private static bool IsHidden(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
