using Balms.Data.LongTail;

namespace Balms.Data.Readers;

/// <summary>A listed image that was left out because it could not be read; <paramref name="Reason"/> names file and line.</summary>
public sealed record SkippedImage(int ListIndex, string Reason);

/// <summary>
/// One split of an image-list benchmark as it is used: its samples, the list position of every sample (written to
/// the run directory as the training indices) and the images that were left out.
/// </summary>
public sealed record ImageListSplit(ISampleSource Samples, IReadOnlyList<int> ListIndices, IReadOnlyList<SkippedImage> Skipped)
{
    /// <summary>Every listed image; an unreadable one fails the batch that reads it.</summary>
    public static ImageListSplit All(ImageListSource list) =>
        new(list, Enumerable.Range(0, list.Count).ToArray(), []);

    /// <summary>
    /// Only the images that decode. Every listed image is decoded once, up front, on <paramref name="workers"/>
    /// threads, so which images are left out depends only on the files, never on thread timing or on which samples a
    /// run happens to draw, and the count is known before training starts. The price is one pass over the images,
    /// reported to <paramref name="progress"/>.
    /// </summary>
    public static ImageListSplit Readable(ImageListSource list, int workers, IPassProgress? progress = null)
    {
        var failures = ImageFileCheck.Failures(list.Count, index => list.Read(index), workers, progress,
            $"decoding every image of {Path.GetFileName(list.ListPath)} to leave out unreadable ones");
        var readable = Enumerable.Range(0, list.Count).Where(index => failures[index] is null).ToArray();
        var skipped = Enumerable.Range(0, list.Count)
            .Where(index => failures[index] is not null)
            .Select(index => new SkippedImage(index, failures[index]!))
            .ToArray();
        if (readable.Length == 0)
            throw new DataException($"{list.ListPath}: none of the {list.Count} listed images can be read; the first: {skipped[0].Reason}");
        return new ImageListSplit(new SubsetSource(list, readable), readable, skipped);
    }
}
