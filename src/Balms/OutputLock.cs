using System.Globalization;
using System.Runtime.InteropServices;

namespace Balms;

/// <summary>
/// Holds an output folder for one process while it writes there, so that two commands never write into one folder at
/// once (two runs interleaving their epochs.csv, or one setting aside the other's live files). The hold is the
/// kernel's exclusive flock on the folder, which ends with the process however it ends, so a killed command never
/// blocks the next one and no two processes ever both get it. The holder is named in the folder's lock file,
/// <see cref="FileName"/> (its process id, the machine's boot id, when it started), which a refused command reports;
/// a lock file found by a process that gets the flock was left by a process that has ended, and is taken over.
/// Disposing releases the folder and removes the folders <see cref="Acquire"/> created, if nothing was written there.
/// </summary>
public sealed class OutputLock : IDisposable
{
    public const string FileName = ".balms.lock";

    private readonly int _handle;
    private readonly string _lockFile;
    private readonly string _content;
    private readonly IReadOnlyList<string> _createdFolders;
    private bool _released;

    private OutputLock(string folder, int handle, string content, IReadOnlyList<string> createdFolders)
    {
        Folder = folder;
        _handle = handle;
        _lockFile = Path.Combine(folder, FileName);
        _content = content;
        _createdFolders = createdFolders;
    }

    /// <summary>The folder held, as a full path.</summary>
    public string Folder { get; }

    /// <summary>Takes <paramref name="folder"/> for this process, creating it (and missing parents) if needed.</summary>
    /// <param name="notice">A sentence for the user when the folder held the lock of a process that has ended, which
    /// is taken over; else null.</param>
    /// <exception cref="BalmsException">Another process holds the folder (the message names it when it can), or the
    /// folder cannot be created or written, or a file that is no lock has the lock file's name.</exception>
    public static OutputLock Acquire(string folder, out string? notice)
    {
        string full = Path.GetFullPath(folder);
        var created = CreateFolder(full);
        try
        {
            return Take(full, created, out notice);
        }
        catch
        {
            RemoveIfEmpty(created);
            throw;
        }
    }

    /// <summary>Creates the folder; returns the folders that did not exist, deepest first.</summary>
    private static List<string> CreateFolder(string full)
    {
        if (File.Exists(full)) throw new BalmsException($"cannot write to the output directory {full}: it is a file, not a folder");
        var missing = new List<string>();
        for (string? folder = full; folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
            missing.Add(folder);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveIfEmpty(missing);
            throw new BalmsException($"cannot write to the output directory {full}: {AtomicFile.Describe(e)}", e);
        }
        return missing;
    }

    private static OutputLock Take(string folder, IReadOnlyList<string> created, out string? notice)
    {
        string lockFile = Path.Combine(folder, FileName);
        int handle = Native.LockFolder(folder);
        try
        {
            // With the flock ours, a lock file left in the folder names a process that has ended.
            notice = Path.Exists(lockFile) ? RemoveEndedLock(folder, lockFile) : null;
            string content = LockHolder.OfThisProcess().ToText();
            CreateLockFile(lockFile, content);
            return new OutputLock(folder, handle, content, created);
        }
        catch
        {
            Native.Close(handle);
            throw;
        }
    }

    /// <returns>The notice that says whose lock was taken over.</returns>
    private static string RemoveEndedLock(string folder, string lockFile)
    {
        string text = Read(lockFile) ?? throw new BalmsException($"{lockFile} is in the way of the lock that keeps two commands from writing to {folder} at once; it is no balms lock: rename or delete it");
        File.Delete(lockFile);
        return LockHolder.Parse(text) is { } holder
            ? $"{folder} was locked by process {holder.Pid}, {holder.WhyEnded()}; its lock is taken over"
            : $"{folder} held a lock that names no process; it is taken over";
    }

    /// <summary>
    /// The lock file is a symbolic link whose target is its text: one step creates it with its text, so no process
    /// ever reads it half-written (Mercurial's and Emacs's locks are made so). <c>ls -l</c> shows it.
    /// </summary>
    internal static void CreateLockFile(string lockFile, string content)
    {
        try
        {
            File.CreateSymbolicLink(lockFile, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BalmsException($"cannot write to the output directory {Path.GetDirectoryName(lockFile)}: {AtomicFile.Describe(e)}", e);
        }
    }

    /// <summary>The text of the lock file; null when there is none, or when a file of that name is no lock.</summary>
    internal static string? Read(string lockFile) => new FileInfo(lockFile).LinkTarget;

    /// <summary>What a refused command says about the holder: its process id and start, when its lock file names it.</summary>
    private static string HolderOf(string folder) =>
        Read(Path.Combine(folder, FileName)) is { } text && LockHolder.Parse(text) is { } holder
            ? $" (process {holder.Pid}, started {holder.Started:yyyy-MM-dd HH:mm:ss})"
            : "";

    /// <summary>Deletes the lock file, releases the flock, and removes the folders Acquire created that are empty.</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            // Before the flock goes: the next holder must not find this lock file and take it for one left behind.
            if (Read(_lockFile) == _content) File.Delete(_lockFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder went away or became unwritable: a lock file left there is taken over by the next command.
        }
        Native.Close(_handle);
        RemoveIfEmpty(_createdFolders);
    }

    private static void RemoveIfEmpty(IEnumerable<string> foldersDeepestFirst)
    {
        foreach (string folder in foldersDeepestFirst)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
                else return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary>The C library's open, flock and close, which .NET does not offer for folders.</summary>
    private static class Native
    {
        private const int ReadOnly = 0, CloseOnExec = 0x80000, Exclusive = 2, NonBlocking = 4, WouldBlock = 11;

        /// <summary>An open handle of the folder holding its exclusive flock.</summary>
        /// <exception cref="BalmsException">Another process holds the flock, or the folder cannot be opened or locked.</exception>
        public static int LockFolder(string folder)
        {
            int handle;
            try
            {
                // Close-on-exec: a child process (the benchmark's Python) must not inherit the hold and keep it after we end.
                handle = Open(folder, ReadOnly | CloseOnExec);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                throw new BalmsException($"cannot lock the output directory {folder} against other commands: the lock needs Linux's C library (libc.so.6)", e);
            }
            if (handle < 0)
                throw new BalmsException($"cannot write to the output directory {folder}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            if (Flock(handle, Exclusive | NonBlocking) == 0) return handle;
            int error = Marshal.GetLastPInvokeError();
            Close(handle);
            throw new BalmsException(error == WouldBlock
                ? $"{folder} is in use by another balms command{HolderOf(folder)}; wait for it to end or stop it, or write elsewhere"
                : $"cannot lock the output directory {folder} against other commands: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        [DllImport("libc.so.6", EntryPoint = "open", SetLastError = true)]
        private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc.so.6", EntryPoint = "flock", SetLastError = true)]
        private static extern int Flock(int handle, int operation);

        [DllImport("libc.so.6", EntryPoint = "close")]
        public static extern int Close(int handle);
    }
}

/// <summary>The process a lock file names: its id, the boot id of the machine it ran on, and when it started.</summary>
internal sealed record LockHolder(int Pid, string BootId, DateTime Started)
{
    private const string BootIdFile = "/proc/sys/kernel/random/boot_id";

    public static LockHolder OfThisProcess() => new(Environment.ProcessId, CurrentBootId(), DateTime.Now);

    /// <summary>How the holder of a lock left behind ended, for the user.</summary>
    public string WhyEnded() => BootId == CurrentBootId() ? "which is no longer running" : "which ran before the machine restarted";

    /// <summary>One line of name=value fields, e.g. "pid=4242 boot_id=... started=2026-12-02T10:02:11".</summary>
    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"pid={Pid} boot_id={BootId} started={Started:yyyy-MM-ddTHH:mm:ss}");

    /// <summary>The holder a lock's text names; null when it names none.</summary>
    public static LockHolder? Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .DistinctBy(parts => parts[0])
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return fields.TryGetValue("pid", out string? pid) && int.TryParse(pid, CultureInfo.InvariantCulture, out int id)
               && fields.TryGetValue("boot_id", out string? boot)
               && fields.TryGetValue("started", out string? started) && DateTime.TryParse(started, CultureInfo.InvariantCulture, out var time)
            ? new LockHolder(id, boot, time)
            : null;
    }

    private static string CurrentBootId() => File.Exists(BootIdFile) ? File.ReadAllText(BootIdFile).Trim() : "";
}
