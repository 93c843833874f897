using System.Globalization;

namespace Balms.Data.Readers;

/// <summary>One line of an image list: an image path relative to the data root, its class id, and its 1-based line.</summary>
public readonly record struct ImageListEntry(string RelativePath, int Label, int LineNumber);

/// <summary>
/// The text lists of ImageNet-LT and Places-LT (OLTR's format): one <c>&lt;relative image path&gt; &lt;label&gt;</c> per
/// line, separated by whitespace. Blank lines are ignored; paths cannot contain whitespace.
/// </summary>
public static class ImageListFile
{
    private static readonly char[] Whitespace = [' ', '\t'];

    /// <exception cref="DataException">The file is missing or unreadable, a line is malformed or has a negative label,
    /// or the list holds no images.</exception>
    public static IReadOnlyList<ImageListEntry> Read(string path)
    {
        var entries = new List<ImageListEntry>();
        int lineNumber = 0;
        foreach (string line in ReadLines(path))
        {
            lineNumber++;
            string[] fields = line.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length == 0) continue;
            if (fields.Length != 2)
                throw new DataException($"{path}, line {lineNumber}: expected '<relative image path> <label>', found '{line.Trim()}'");
            if (!int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int label))
                throw new DataException($"{path}, line {lineNumber}: label '{fields[1]}' is not an integer");
            if (label < 0)
                throw new DataException($"{path}, line {lineNumber}: label {label} is negative; class ids start at 0");
            entries.Add(new ImageListEntry(fields[0], label, lineNumber));
        }
        if (entries.Count == 0) throw new DataException($"{path}: the list holds no images");
        return entries;
    }

    /// <summary>
    /// Class names from an optional names file, one class per line in class-id order. A line may end in the class id
    /// (as in Places365's <c>categories_places365.txt</c>, "/a/airfield 0"), which must then equal its position.
    /// </summary>
    /// <exception cref="DataException">The file is unreadable, a trailing id is out of order, or the number of names
    /// differs from <paramref name="classCount"/>.</exception>
    public static IReadOnlyList<string> ReadClassNames(string path, int classCount)
    {
        var names = new List<string>();
        int lineNumber = 0;
        foreach (string line in ReadLines(path))
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            int lastSpace = trimmed.LastIndexOfAny(Whitespace);
            if (lastSpace > 0 && int.TryParse(trimmed[(lastSpace + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                if (id != names.Count)
                    throw new DataException($"{path}, line {lineNumber}: class id {id} where {names.Count} was expected (names must be in class-id order)");
                trimmed = trimmed[..lastSpace].TrimEnd();
            }
            names.Add(trimmed);
        }
        if (names.Count != classCount)
            throw new DataException($"{path}: {names.Count} class names, but the training list has {classCount} classes");
        return names;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: list file not found");
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read ({e.Message})", e);
        }
    }
}
