namespace Balms;

/// <summary>
/// The canonical path of a file or folder: absolute, with every symbolic link, "." and ".." resolved as the operating
/// system resolves them (POSIX realpath), so that two names of one file (a link and its target, a folder reached
/// through a link) compare equal.
/// </summary>
public static class RealPath
{
    /// <summary>Links followed on the way before the path counts as a loop (Linux's own limit).</summary>
    private const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="path"/>; null when it cannot be resolved (it does not exist, or a link
    /// on the way points nowhere or in a circle).</summary>
    public static string? Of(string path)
    {
        // Not Path.GetFullPath: it would take "link/.." for the folder holding the link, where the system goes up from
        // the link's target.
        string full = Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
        string root = Path.GetPathRoot(full)!;
        string resolved = root;
        // Components still to walk, first on top; a link's target is pushed in place of the link.
        var pending = new Stack<string>(Components(full[root.Length..]).Reverse());
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".") continue;
            // Resolved holds no link, so its parent is the real parent: ".." after a link goes up from its target.
            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? root;
                continue;
            }
            string next = Path.Combine(resolved, part);
            var entry = new FileInfo(next);
            if (entry.LinkTarget is not { } target)
            {
                if (!Path.Exists(next)) return null;
                resolved = next;
                continue;
            }
            if (++links > MaxLinks) return null;
            foreach (string targetPart in Components(target).Reverse()) pending.Push(targetPart);
            if (Path.IsPathRooted(target)) resolved = Path.GetPathRoot(target)!;
        }
        return resolved;
    }

    /// <summary>Whether <paramref name="realPath"/> is <paramref name="realFolder"/> or lies anywhere below it.</summary>
    public static bool IsWithin(string realPath, string realFolder) =>
        realPath == realFolder || realPath.StartsWith(Path.TrimEndingDirectorySeparator(realFolder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static IEnumerable<string> Components(string path) =>
        path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
}
