using System.Runtime.InteropServices;

namespace Balms;

/// <summary>
/// The canonical path of a file or folder: absolute, with every symbolic link, "." and ".." resolved (POSIX
/// realpath), so that two names of one file (a link and its target, a folder reached through a link) compare equal.
/// </summary>
public static class RealPath
{
    /// <summary>The real path of <paramref name="path"/>; null when it cannot be resolved (it does not exist, a link
    /// points nowhere or in a circle, or a folder on the way cannot be searched).</summary>
    public static string? Of(string path)
    {
        IntPtr resolved = Resolve(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>Whether <paramref name="realPath"/> is <paramref name="realFolder"/> or lies anywhere below it.</summary>
    public static bool IsWithin(string realPath, string realFolder) =>
        realPath == realFolder || realPath.StartsWith(realFolder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // With a null buffer realpath allocates the result, which the caller frees.
    [DllImport("libc.so.6", EntryPoint = "realpath")]
    private static extern IntPtr Resolve([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr buffer);

    [DllImport("libc.so.6", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
