using Balms.Data.Images;

namespace Balms.Data.Readers;

/// <summary>
/// The images of one list file, decoded from disk on every <see cref="Read"/> (nothing is cached, so memory stays
/// flat on ImageNet-sized splits). Holds only immutable arrays, so reading from several threads is safe.
/// </summary>
public sealed class ImageListSource : IImageFileSource
{
    private readonly string[] _imagePaths;
    private readonly int[] _labels;
    private readonly int[] _lineNumbers;

    /// <param name="listPath">The list file, named in error messages.</param>
    /// <param name="imageRoot">Folder the list's relative paths start from.</param>
    /// <param name="entries">The parsed lines of <paramref name="listPath"/>.</param>
    /// <param name="classNames">Names of all classes, fixed by the training list (index = class id).</param>
    /// <exception cref="DataException">A label is not one of the classes.</exception>
    public ImageListSource(string listPath, string imageRoot, IReadOnlyList<ImageListEntry> entries, IReadOnlyList<string> classNames)
    {
        ListPath = listPath;
        ClassNames = classNames;
        foreach (var entry in entries)
            if (entry.Label >= classNames.Count)
                throw new DataException($"{listPath}, line {entry.LineNumber}: label {entry.Label} is beyond the {classNames.Count} classes of the training list (0..{classNames.Count - 1})");
        _imagePaths = entries.Select(entry => Path.Combine(imageRoot, entry.RelativePath)).ToArray();
        _labels = entries.Select(entry => entry.Label).ToArray();
        _lineNumbers = entries.Select(entry => entry.LineNumber).ToArray();
    }

    public string ListPath { get; }
    public int Count => _labels.Length;
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image file of sample <paramref name="index"/>: the data root joined with the listed path.</summary>
    public string ImagePath(int index) => _imagePaths[index];

    /// <exception cref="DataException">The image is missing or cannot be decoded; the message names the image, the
    /// list and the line.</exception>
    public RawImage Read(int index)
    {
        try
        {
            return ImageDecoder.ReadRgb(_imagePaths[index]);
        }
        catch (DataException e)
        {
            throw NamingTheLine(index, e);
        }
    }

    /// <exception cref="DataException">The image is missing or no image; the message names the image, the list and
    /// the line.</exception>
    public void CheckHeader(int index)
    {
        try
        {
            ImageDecoder.CheckHeader(_imagePaths[index]);
        }
        catch (DataException e)
        {
            throw NamingTheLine(index, e);
        }
    }

    private DataException NamingTheLine(int index, DataException e) => new($"{ListPath}, line {_lineNumbers[index]}: {e.Message}", e);

    public string Describe(int index) => $"{_imagePaths[index]} ({ListPath}, line {_lineNumbers[index]})";
}
