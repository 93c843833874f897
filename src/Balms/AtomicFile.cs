namespace Balms;

/// <summary>
/// Whole-file writes that never leave a half-written file: the content goes to a temporary file next to the target,
/// is flushed to disk and renamed over the target. The target's folder is created if missing. On any failure (a full
/// disk, a read-only directory) the temporary file is removed and the previous target, if any, is untouched.
/// </summary>
public static class AtomicFile
{
    /// <param name="what">How the error message names the file, e.g. "checkpoint".</param>
    public static void Write(string path, Action<Stream> write, string what = "")
    {
        string temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            string kept = File.Exists(path) ? $" (the previous {Path.GetFileName(path)} is unchanged)" : "";
            // The temporary file is ours, not the user's: the message names the file they asked for.
            string reason = Describe(e).Replace(temporary, path, StringComparison.Ordinal);
            throw new WriteException($"cannot write {(what.Length > 0 ? what + " " : "")}{path}: {reason}{kept}", e);
        }
    }

    public static void WriteText(string path, string text, string what = "") =>
        Write(path, stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)), what);

    /// <summary>The OS error without .NET's trailing ": 'path'" (the message names the file already).</summary>
    public static string Describe(Exception e)
    {
        string message = e.Message;
        int quoted = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return quoted > 0 ? message[..quoted] : message;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The error being reported already says what went wrong; a leftover .tmp file is harmless.
        }
    }
}
