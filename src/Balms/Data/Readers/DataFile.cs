using System.IO.Compression;

namespace Balms.Data.Readers;

/// <summary>Opening data files that may or may not be gzip-compressed, with failures reported as DataException.</summary>
internal static class DataFile
{
    private const byte GzipMagic1 = 0x1f;
    private const byte GzipMagic2 = 0x8b;

    /// <summary>
    /// Opens <paramref name="path"/> for sequential reading, decompressing it when its content starts with the gzip
    /// magic (whatever its name says, since tools that unpack on download often keep the .gz name).
    /// </summary>
    public static Stream OpenMaybeGzipped(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot open ({e.Message})", e);
        }
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == 2 && magic[0] == GzipMagic1 && magic[1] == GzipMagic2)
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }

    /// <summary>
    /// Runs <paramref name="read"/> and turns the exceptions a truncated or corrupt stream raises into a DataException
    /// naming <paramref name="file"/>.
    /// </summary>
    public static T Guard<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException e)
        {
            throw new DataException($"{file}: file is truncated (ended before the expected data)", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{file}: corrupt compressed data ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{file}: cannot read ({e.Message})", e);
        }
    }
}
