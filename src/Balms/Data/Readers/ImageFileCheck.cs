using Balms.Data.LongTail;

namespace Balms.Data.Readers;

/// <summary>A sample source whose samples are image files on disk, decoded when read.</summary>
public interface IImageFileSource : ISampleSource
{
    /// <summary>Opens sample <paramref name="index"/>'s file and decodes its header only (see
    /// <see cref="Images.ImageDecoder.CheckHeader"/>).</summary>
    /// <exception cref="DataException">As <see cref="ISampleSource.Read"/> says: the file is missing, unreadable or no
    /// image.</exception>
    void CheckHeader(int index);
}

/// <summary>
/// Opens the image files of a dataset before it is used, in parallel, reporting progress. A missing, empty or
/// non-image file then stops a command before it writes anything, instead of when a batch first draws it (which, with
/// max_steps_per_epoch, may be never).
/// </summary>
public static class ImageFileCheck
{
    /// <summary>Checks the header of every image file of <paramref name="splits"/>.</summary>
    /// <param name="splits">Image file sources, or subsets of one; other sources hold decoded images already.</param>
    /// <param name="workers">Threads that open files.</param>
    /// <param name="advice">What to do about unreadable files, the end of the error message.</param>
    /// <exception cref="DataException">Files cannot be read: names the first (in split and index order) and the count.</exception>
    public static void RequireReadableHeaders(IEnumerable<ISampleSource> splits, int workers, IPassProgress? progress, string advice)
    {
        var files = splits.SelectMany(FilesOf).ToArray();
        var failures = Failures(files.Length, i => files[i].Source.CheckHeader(files[i].Index), workers, progress, "checking that every image file opens");
        var failed = failures.OfType<string>().ToList();
        if (failed.Count > 0)
            throw new DataException($"{failed[0]}; {failed.Count} of the {files.Length:N0} image files cannot be read: {advice}");
    }

    /// <summary>
    /// Runs <paramref name="open"/> on every index from 0 to <paramref name="count"/> - 1, on
    /// <paramref name="workers"/> threads; returns the message of the <see cref="DataException"/> each index threw,
    /// or null. Which indices fail depends on the files only, never on thread timing.
    /// </summary>
    internal static string?[] Failures(int count, Action<int> open, int workers, IPassProgress? progress, string description)
    {
        var failures = new string?[count];
        if (count == 0) return failures;
        progress?.PassStarted(description, count);
        // About a hundred updates, from whichever thread crosses a step, one at a time and never backwards.
        int step = Math.Max(1, count / 100), done = 0, reported = 0;
        var gate = new object();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, index =>
        {
            try
            {
                open(index);
            }
            catch (DataException e)
            {
                failures[index] = e.Message;
            }
            int now = Interlocked.Increment(ref done);
            if (progress is null || (now % step != 0 && now != count)) return;
            lock (gate)
            {
                if (now <= reported) return;
                reported = now;
                progress.PassProgress(now);
            }
        });
        return failures;
    }

    private static IEnumerable<(IImageFileSource Source, int Index)> FilesOf(ISampleSource split) => split switch
    {
        IImageFileSource files => Enumerable.Range(0, files.Count).Select(index => (files, index)),
        SubsetSource { Base: IImageFileSource files } subset => subset.BaseIndices.Select(index => (files, index)),
        _ => [],
    };
}
