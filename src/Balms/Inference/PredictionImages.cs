using Balms.Data;
using Balms.Data.Images;
using Balms.Data.Readers;
using Balms.Data.Transforms;

namespace Balms.Inference;

/// <summary>
/// Image files to classify, as a sample source for <see cref="BatchLoader"/> (labels are all 0 and unused). Images are
/// decoded to RGB; for a model of greyscale images (Fashion-MNIST) they are converted as PIL's convert('L') does.
/// Holds only immutable arrays, so reading from several threads is safe.
/// </summary>
public sealed class PredictionImages : ISampleSource
{
    private readonly string[] _paths;
    private readonly int[] _labels;
    private readonly int _channels;

    /// <param name="channels">Channels the model takes: 3 (RGB) or 1 (grey).</param>
    public PredictionImages(IEnumerable<string> paths, IReadOnlyList<string> classNames, int channels)
    {
        if (channels is not (1 or 3)) throw new BalmsException($"models of {channels}-channel images cannot classify image files; expected 1 or 3 channels");
        _paths = paths.ToArray();
        _labels = new int[_paths.Length];
        _channels = channels;
        ClassNames = classNames;
    }

    /// <summary>
    /// The image files named by <paramref name="arguments"/>: a file as given, a folder as all its .jpg, .jpeg and
    /// .png files at any depth in ordinal order of their path (links followed as
    /// <see cref="ImageFolderSource.ImageFiles"/> says). Each file comes once, under the name it is first met by,
    /// however many names or links lead to it.
    /// </summary>
    /// <exception cref="DataException">An argument is neither a file nor a folder, a folder holds no image, or a link in
    /// a folder leads to a folder outside it.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> arguments)
    {
        var files = new List<ImageFile>();
        foreach (string argument in arguments)
        {
            if (File.Exists(argument)) files.Add(new ImageFile(argument, RealPath.Of(argument) ?? argument));
            else if (Directory.Exists(argument))
            {
                var images = ImageFolderSource.ImageFiles(argument);
                if (images.Count == 0)
                    throw new DataException($"{argument}: the folder holds no {string.Join(", ", ImageFolderSource.ImageExtensions)} images");
                files.AddRange(images);
            }
            else throw new DataException($"{argument}: no such image file or folder");
        }
        return files.DistinctBy(file => file.RealPath, StringComparer.Ordinal).Select(file => file.Path).ToArray();
    }

    public int Count => _paths.Length;
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }

    public string Path(int index) => _paths[index];

    /// <exception cref="DataException">The file is missing or not a readable image; the message names it.</exception>
    public RawImage Read(int index)
    {
        var rgb = ImageDecoder.ReadRgb(_paths[index]);
        return _channels == 1 ? Luma(rgb) : rgb;
    }

    public string Describe(int index) => _paths[index];

    /// <summary>PIL's RGB to L conversion, as the grey-scale datasets were made.</summary>
    public static RawImage Luma(RawImage rgb)
    {
        int pixels = rgb.Height * rgb.Width;
        var grey = new byte[pixels];
        for (int i = 0; i < pixels; i++)
            grey[i] = PilEnhance.Luminance(rgb.Pixels[3 * i], rgb.Pixels[3 * i + 1], rgb.Pixels[3 * i + 2]);
        return new RawImage(grey, rgb.Height, rgb.Width, 1);
    }
}
