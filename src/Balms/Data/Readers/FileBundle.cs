using System.Formats.Tar;
using System.IO.Compression;

namespace Balms.Data.Readers;

/// <summary>One file handed to a parser: its content, its length in bytes and how messages name it.</summary>
internal readonly record struct BundleFile(string Name, Stream Content, long Length);

/// <summary>A set of files under one top-level folder, either extracted on disk or inside a .tar.gz archive.</summary>
internal abstract class FileBundle
{
    /// <summary>Where the bundle is, for messages.</summary>
    public abstract string Location { get; }

    /// <summary>
    /// Parses each of the named files (relative to the bundle's folder; the parser gets that name and the file) and
    /// returns the results by name. Files are visited in whatever order is cheapest, so an archive is read in one pass.
    /// </summary>
    public abstract IReadOnlyDictionary<string, T> ParseEach<T>(IReadOnlyCollection<string> names, Func<string, BundleFile, T> parse);
}

internal sealed class FolderBundle(string folder) : FileBundle
{
    public override string Location => folder;

    public override IReadOnlyDictionary<string, T> ParseEach<T>(IReadOnlyCollection<string> names, Func<string, BundleFile, T> parse)
    {
        var results = new Dictionary<string, T>();
        foreach (string name in names)
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path)) throw new DataException($"{path}: file is missing from {folder}");
            using var stream = DataFile.Guard(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
            results[name] = DataFile.Guard(path, () => parse(name, new BundleFile(path, stream, stream.Length)));
        }
        return results;
    }
}

/// <summary>A gzip-compressed tar archive whose entries sit under <paramref name="topFolder"/>, as downloaded.</summary>
internal sealed class TarGzBundle(string archive, string topFolder) : FileBundle
{
    public override string Location => archive;

    public override IReadOnlyDictionary<string, T> ParseEach<T>(IReadOnlyCollection<string> names, Func<string, BundleFile, T> parse)
    {
        var wanted = names.ToDictionary(name => $"{topFolder}/{name}", name => name);
        var results = new Dictionary<string, T>();
        DataFile.Guard(archive, () =>
        {
            using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (results.Count < wanted.Count && tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || !wanted.TryGetValue(NormaliseEntryName(entry.Name), out string? name)) continue;
                string displayName = $"{archive}:{entry.Name}";
                // Empty files have no data stream; parsers then report them as too short.
                using var content = new BufferedStream(entry.DataStream ?? Stream.Null, 1 << 16);
                results[name] = DataFile.Guard(displayName, () => parse(name, new BundleFile(displayName, content, entry.Length)));
            }
            return results;
        });
        var missing = wanted.Where(pair => !results.ContainsKey(pair.Value)).Select(pair => pair.Key).ToList();
        if (missing.Count > 0) throw new DataException($"{archive}: archive has no entry {string.Join(", ", missing)}");
        return results;
    }

    private static string NormaliseEntryName(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
}
