namespace Balms.Cli;

/// <summary>
/// The output folders of a command, each held with an <see cref="OutputLock"/> from before the command reads its data
/// until it ends, however it ends (an error, Ctrl-C). Taking over the lock of a process that has ended is noted on
/// stderr.
/// </summary>
public sealed class HeldFolders : IDisposable
{
    private readonly List<OutputLock> _locks = [];

    /// <exception cref="BalmsException">Two of the folders are one, another command holds one, or one cannot be
    /// created; the folders taken before are released.</exception>
    public static HeldFolders Hold(IEnumerable<string> folders)
    {
        var held = new HeldFolders();
        try
        {
            foreach (string folder in folders)
            {
                string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
                if (held._locks.Any(taken => taken.Folder == full))
                    throw new BalmsException($"two runs of this command would write to {full}; give each its own output.dir");
                held._locks.Add(OutputLock.Acquire(full, out string? takenOver));
                if (takenOver is not null) Console.Error.WriteLine($"note: {takenOver}");
            }
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Releases the folders, the last taken first, so that a folder created inside another is removed first.</summary>
    public void Dispose()
    {
        for (int i = _locks.Count - 1; i >= 0; i--) _locks[i].Dispose();
        _locks.Clear();
    }
}
