using Balms.Data.Images;

namespace Balms.Data.Readers;

/// <summary>An image file under the name a folder listing gives it, and the file it is once links are resolved.</summary>
public sealed record ImageFile(string Path, string RealPath);

/// <summary>
/// The images of one folder of class folders (<c>&lt;folder&gt;/&lt;class&gt;/**/*.{jpg,jpeg,png}</c>), decoded from
/// disk on every <see cref="Read"/>. Holds only immutable arrays, so reading from several threads is safe.
/// </summary>
public sealed class ImageFolderSource : IImageFileSource
{
    /// <summary>File extensions taken as images (compared case-insensitively).</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png"];

    private readonly ImageFile[] _files;
    private readonly int[] _labels;

    private ImageFolderSource(string folder, ImageFile[] files, int[] labels, IReadOnlyList<string> classNames)
    {
        Folder = folder;
        _files = files;
        _labels = labels;
        ClassNames = classNames;
    }

    /// <summary>
    /// Lists the images of every class folder of <paramref name="folder"/>: classes in <paramref name="classNames"/>
    /// order, files in ordinal order of their path (see <see cref="ImageFiles"/>). A class without a folder has no
    /// images here.
    /// </summary>
    /// <exception cref="DataException">A class folder holds no image, or is not one of <paramref name="classNames"/>,
    /// or links out of itself, or one image file is reached twice.</exception>
    public static ImageFolderSource Scan(string folder, IReadOnlyList<string> classNames)
    {
        var files = new List<ImageFile>();
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
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(label, images.Count));
        }
        RejectRepeatedFiles(files);
        return new ImageFolderSource(folder, files.ToArray(), labels.ToArray(), classNames);
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

    /// <summary>
    /// The image files under <paramref name="folder"/> (any depth), in ordinal order of their path; hidden files and
    /// folders (names starting with '.') are skipped. Symbolic links: a link to a file stands for that file, wherever
    /// it lies; a link to a folder is followed only when the folder lies inside <paramref name="folder"/>, and a
    /// folder reached a second time (a link loop, or a second link to it) is not read again. Two links can still name
    /// one file: <see cref="RejectRepeatedFiles"/> refuses that, a caller may instead keep the first.
    /// </summary>
    /// <exception cref="DataException">A link leads to a folder outside <paramref name="folder"/>.</exception>
    public static IReadOnlyList<ImageFile> ImageFiles(string folder)
    {
        string realFolder = RealPath.Of(folder) ?? Path.GetFullPath(folder);
        var found = new List<ImageFile>();
        Walk(folder, realFolder, realFolder, new HashSet<string>(StringComparer.Ordinal), found);
        return found.OrderBy(file => file.Path, StringComparer.Ordinal).ToArray();
    }

    private static void Walk(string directory, string realDirectory, string realBound, HashSet<string> visited, List<ImageFile> found)
    {
        if (!visited.Add(realDirectory)) return;
        // In name order, so that when a folder is reached both directly and through a link, the same name wins every time.
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(entry => entry.Name, StringComparer.Ordinal))
        {
            // Hidden entries are the file system's or a tool's (.DS_Store folders, macOS "._x.jpg" resource forks), not images.
            if (entry.Name.StartsWith('.')) continue;
            string path = Path.Combine(directory, entry.Name);
            // A link that cannot be resolved stays itself: as an image it is then reported unreadable, by its name.
            string real = entry.LinkTarget is null ? Path.Combine(realDirectory, entry.Name) : RealPath.Of(path) ?? path;
            if (entry is DirectoryInfo)
            {
                // Following a link out of the folder would read images of another class, or read them twice.
                if (!RealPath.IsWithin(real, realBound))
                    throw new DataException($"{path} links to the folder {real}, outside {realBound}; links to folders are followed only within the folder being read, so that no image is read twice or from elsewhere: move the images in, or remove the link");
                Walk(path, real, realBound, visited, found);
            }
            else if (IsImageFile(entry.Name)) found.Add(new ImageFile(path, real));
        }
    }

    /// <summary>Refuses one image file named twice (through links), which would count twice and perhaps under two classes.</summary>
    /// <exception cref="DataException">Two of <paramref name="files"/> are one file; the message names both.</exception>
    public static void RejectRepeatedFiles(IEnumerable<ImageFile> files)
    {
        var firstName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
            if (!firstName.TryAdd(file.RealPath, file.Path))
                throw new DataException($"{firstName[file.RealPath]} and {file.Path} are the same image file ({file.RealPath}); a dataset holds each image once, in one class and one split: remove one of them or the link that leads to it");
    }

    public static bool IsImageFile(string path) =>
        ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder the class folders were found in.</summary>
    public string Folder { get; }
    public int Count => _labels.Length;
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }

    public string ImagePath(int index) => _files[index].Path;

    /// <summary>The image files, in index order.</summary>
    public IReadOnlyList<ImageFile> Files => _files;

    /// <exception cref="DataException">The image is missing or cannot be decoded; the message names the file.</exception>
    public RawImage Read(int index) => ImageDecoder.ReadRgb(_files[index].Path);

    /// <exception cref="DataException">The file is missing or no image; the message names it.</exception>
    public void CheckHeader(int index) => ImageDecoder.CheckHeader(_files[index].Path);

    public string Describe(int index) => _files[index].Path;

    private static IEnumerable<string> ClassFolders(string folder) =>
        Directory.EnumerateDirectories(folder)
            .Where(directory => !Path.GetFileName(directory).StartsWith('.'))
            .Order(StringComparer.Ordinal);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
