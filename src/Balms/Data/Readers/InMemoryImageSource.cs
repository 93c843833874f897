namespace Balms.Data.Readers;

/// <summary>
/// A whole split held in one pixel array (height x width x channels per image), read from one or more files.
/// Reading only copies bytes out, so it is safe from several threads.
/// </summary>
public sealed class InMemoryImageSource : ISampleSource
{
    private readonly byte[] _pixels;
    private readonly int[] _labels;
    private readonly string[] _files;
    private readonly int[] _fileStarts;
    private readonly int _height;
    private readonly int _width;
    private readonly int _channels;

    internal InMemoryImageSource(
        IReadOnlyList<ImageBlock> blocks, int height, int width, int channels, IReadOnlyList<string> classNames)
    {
        _height = height;
        _width = width;
        _channels = channels;
        ClassNames = classNames;
        _files = blocks.Select(block => block.File).ToArray();
        _fileStarts = new int[blocks.Count];
        for (int i = 1; i < blocks.Count; i++) _fileStarts[i] = _fileStarts[i - 1] + blocks[i - 1].Labels.Length;

        // A single block is the common case for large splits; reuse its array rather than copying 150 MB.
        _labels = blocks.Count == 1 ? blocks[0].Labels : blocks.SelectMany(block => block.Labels).ToArray();
        _pixels = blocks.Count == 1 ? blocks[0].Pixels : Concatenate(blocks.Select(block => block.Pixels));
        if (_pixels.LongLength != (long)_labels.Length * ImageLength)
            throw new ArgumentException("Pixel count does not match label count times image size.", nameof(blocks));
    }

    public int Count => _labels.Length;
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }

    private int ImageLength => _height * _width * _channels;

    public RawImage Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var pixels = _pixels.AsSpan(index * ImageLength, ImageLength).ToArray();
        return new RawImage(pixels, _height, _width, _channels);
    }

    /// <summary>The file the sample came from and its 0-based record number inside that file.</summary>
    public string Describe(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int found = Array.BinarySearch(_fileStarts, index);
        // Files with no records share a start with the next file; the last of equal starts is the one holding index.
        int file = found >= 0 ? LastFileStartingAt(found) : ~found - 1;
        return $"{_files[file]}, record {index - _fileStarts[file]}";
    }

    private int LastFileStartingAt(int file)
    {
        while (file + 1 < _fileStarts.Length && _fileStarts[file + 1] == _fileStarts[file]) file++;
        return file;
    }

    private static byte[] Concatenate(IEnumerable<byte[]> parts)
    {
        var list = parts.ToList();
        var all = new byte[list.Sum(part => (long)part.Length)];
        long offset = 0;
        foreach (var part in list)
        {
            part.CopyTo(all, offset);
            offset += part.Length;
        }
        return all;
    }
}
