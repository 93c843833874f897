using System.Diagnostics;
using Balms.Tests.Fixtures;

namespace Balms.Tests;

public class OutputLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string LockFile(string folder) => Path.Combine(folder, OutputLock.FileName);

    private static LockHolder? HolderOf(string folder) => OutputLock.Read(LockFile(folder)) is { } text ? LockHolder.Parse(text) : null;

    /// <summary>The id of a process that has ended, as a killed command's has.</summary>
    private static int EndedProcessId()
    {
        using var ended = Process.Start("true")!;
        ended.WaitForExit();
        return ended.Id;
    }

    [Fact]
    public void ASecondHolderIsRefusedNamingTheProcessThatHoldsTheFolder()
    {
        string folder = _temp.Combine("run");
        using var first = OutputLock.Acquire(folder, out _);

        var error = Assert.Throws<BalmsException>(() => OutputLock.Acquire(folder, out _));

        Assert.StartsWith($"{folder} is in use by another balms command (process {Environment.ProcessId}, started ", error.Message);
        Assert.EndsWith("; wait for it to end or stop it, or write elsewhere", error.Message);
        Assert.Equal(Environment.ProcessId, HolderOf(folder)!.Pid);
    }

    [Fact]
    public void ReleasingRemovesTheLockAndTheFoldersTakingItCreatedWhenNothingElseWasWritten()
    {
        string kept = _temp.Combine("kept", "run"), removed = _temp.Combine("removed", "deep", "run");
        Directory.CreateDirectory(_temp.Combine("kept"));

        using (OutputLock.Acquire(kept, out _)) File.WriteAllText(Path.Combine(kept, "log.txt"), "written");
        using (OutputLock.Acquire(removed, out _)) Assert.NotNull(HolderOf(removed));

        Assert.Equal([Path.Combine(kept, "log.txt")], Directory.GetFileSystemEntries(kept));
        Assert.False(Directory.Exists(_temp.Combine("removed")));
        using (OutputLock.Acquire(kept, out string? notice)) Assert.Null(notice);
    }

    public static TheoryData<string> LocksLeftBehind => ["ended", "another boot", "running id", "no process"];

    [Theory]
    [MemberData(nameof(LocksLeftBehind))]
    public void ALockLeftByAProcessThatHasEndedIsTakenOverWithANote(string left)
    {
        string folder = _temp.Combine("run");
        Directory.CreateDirectory(folder);
        var thisProcess = LockHolder.OfThisProcess();
        int ended = EndedProcessId();
        string text = left switch
        {
            "ended" => (thisProcess with { Pid = ended }).ToText(),
            "another boot" => (thisProcess with { BootId = Guid.NewGuid().ToString() }).ToText(),
            // The id of a running process (this one): only the hold on the folder says who holds it.
            "running id" => thisProcess.ToText(),
            _ => "cut sho",
        };
        OutputLock.CreateLockFile(LockFile(folder), text);

        using var taken = OutputLock.Acquire(folder, out string? notice);

        Assert.Equal(left switch
        {
            "ended" => $"{folder} was locked by process {ended}, which is no longer running; its lock is taken over",
            "another boot" => $"{folder} was locked by process {Environment.ProcessId}, which ran before the machine restarted; its lock is taken over",
            "running id" => $"{folder} was locked by process {Environment.ProcessId}, which is no longer running; its lock is taken over",
            _ => $"{folder} held a lock that names no process; it is taken over",
        }, notice);
        Assert.Equal(thisProcess with { Started = HolderOf(folder)!.Started }, HolderOf(folder));
        Assert.Equal([LockFile(folder)], Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void OfManyTakersOneWinsAndTheOthersAreRefused()
    {
        string folder = _temp.Combine("run");
        Directory.CreateDirectory(folder);
        OutputLock.CreateLockFile(LockFile(folder), (LockHolder.OfThisProcess() with { Pid = EndedProcessId() }).ToText());
        var outcomes = new object[8];

        Parallel.For(0, outcomes.Length, new ParallelOptions { MaxDegreeOfParallelism = outcomes.Length }, i =>
        {
            try
            {
                outcomes[i] = OutputLock.Acquire(folder, out _);
            }
            catch (BalmsException e)
            {
                outcomes[i] = e;
            }
        });

        var winner = Assert.Single(outcomes.OfType<OutputLock>());
        Assert.All(outcomes.OfType<BalmsException>(), e => Assert.StartsWith($"{folder} is in use by another balms command", e.Message));
        Assert.Equal([LockFile(folder)], Directory.GetFileSystemEntries(folder));
        winner.Dispose();
    }

    [Fact]
    public void AFileOfTheLocksNameThatIsNoLockIsLeftToTheUser()
    {
        string folder = _temp.Combine("run");
        Directory.CreateDirectory(folder);
        File.WriteAllText(LockFile(folder), "someone's notes");

        var error = Assert.Throws<BalmsException>(() => OutputLock.Acquire(folder, out _));

        Assert.Equal($"{LockFile(folder)} is in the way of the lock that keeps two commands from writing to {folder} at once; it is no balms lock: rename or delete it", error.Message);
        Assert.Equal("someone's notes", File.ReadAllText(LockFile(folder)));
    }

    [Fact]
    public void AFileWhereTheFolderShouldBeIsNamed()
    {
        string file = _temp.Combine("report");
        File.WriteAllText(file, "not a folder");

        var error = Assert.Throws<BalmsException>(() => OutputLock.Acquire(file, out _));

        Assert.Equal($"cannot write to the output directory {file}: it is a file, not a folder", error.Message);
    }
}
