using Balms.Data;

namespace Balms.Reporting;

/// <summary>Reads a run directory's text files, turning I/O failures into one-line errors that name the file.</summary>
internal static class RunFiles
{
    public static string ReadAllText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"cannot read {path}: {e.Message}", e);
        }
    }

    public static string[] ReadAllLines(string path) => ReadAllText(path).Split('\n');
}
