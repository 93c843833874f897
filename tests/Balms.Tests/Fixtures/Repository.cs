namespace Balms.Tests.Fixtures;

/// <summary>The repository the tests run from.</summary>
public static class Repository
{
    /// <summary>The folder holding Balms.sln, found above the test assembly.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Balms.sln"))) return directory.FullName;
        throw new InvalidOperationException($"no Balms.sln above {AppContext.BaseDirectory}");
    }
}
