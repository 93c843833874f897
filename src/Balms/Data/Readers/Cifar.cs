namespace Balms.Data.Readers;

/// <summary>
/// Reads CIFAR-10 / CIFAR-100 splits from a data root holding either official distribution (binary or python
/// version), extracted or still as the downloaded .tar.gz. Images come back as 32x32x3 RGB.
/// </summary>
public static class Cifar
{
    public const string DownloadPage = "https://www.cs.toronto.edu/~kriz/cifar.html";

    /// <summary>
    /// Reads <paramref name="split"/> of <paramref name="variant"/> from the first of these under
    /// <paramref name="dataRoot"/>: the binary folder, the python folder, the binary archive, the python archive
    /// (e.g. cifar-10-batches-bin, cifar-10-batches-py, cifar-10-binary.tar.gz, cifar-10-python.tar.gz).
    /// </summary>
    public static ISampleSource Open(string dataRoot, CifarVariant variant, DatasetSplit split)
    {
        var formats = CifarFormat.All(variant);
        var candidates = formats.Select(format => (format, path: Path.Combine(dataRoot, format.FolderName), isFolder: true))
            .Concat(formats.Select(format => (format, path: Path.Combine(dataRoot, format.ArchiveName), isFolder: false)))
            .ToList();
        foreach (var (format, path, isFolder) in candidates)
        {
            if (isFolder && Directory.Exists(path)) return Read(new FolderBundle(path), format, split);
            if (!isFolder && File.Exists(path)) return Read(new TarGzBundle(path, format.FolderName), format, split);
        }
        throw new DataException(
            $"{variant.DisplayName()} not found: looked for {string.Join(", ", candidates.Select(c => c.path))}; download " +
            $"{string.Join(" or ", formats.Select(format => format.ArchiveName))} from {DownloadPage} into {dataRoot}");
    }

    private static ISampleSource Read(FileBundle bundle, CifarFormat format, DatasetSplit split)
    {
        var batchFiles = format.BatchFiles(split);
        var parsed = bundle.ParseEach<object>([format.ClassNamesFile, .. batchFiles], (name, file) =>
            name == format.ClassNamesFile ? format.ParseClassNames(file) : format.ParseBatch(file));
        var classNames = (IReadOnlyList<string>)parsed[format.ClassNamesFile];
        var blocks = batchFiles.Select(name => (ImageBlock)parsed[name]).ToList();
        return new InMemoryImageSource(blocks, CifarFormat.Side, CifarFormat.Side, CifarFormat.Channels, classNames);
    }
}
