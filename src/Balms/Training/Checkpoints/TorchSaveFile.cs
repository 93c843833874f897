using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>
/// Reads files written by torch.save since PyTorch 1.6: a zip archive holding &lt;name&gt;/data.pkl (the pickled object
/// with every tensor replaced by a reference to a storage) and &lt;name&gt;/data/&lt;key&gt; (each storage's raw
/// little-endian values). A tensor that is a view of a storage (an offset, other strides, a storage shared with other
/// tensors) comes back as an independent contiguous copy. The legacy format of older PyTorch versions is only recognised.
/// </summary>
internal static class TorchSaveFile
{
    private static readonly byte[] ZipSignature = [0x50, 0x4b, 0x03, 0x04];

    // Protocol 2, then the LONG1 magic number 0x1950a86a20f9469cfc6c that the legacy format pickles first.
    private static readonly byte[] LegacySignature = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>The unpickled object and every tensor in it, which the holder owns until it disposes them.</summary>
    public sealed class Contents(object? root, IReadOnlyList<Tensor> tensors) : IDisposable
    {
        public object? Root { get; } = root;
        public IReadOnlyList<Tensor> Tensors { get; } = tensors;

        public void Dispose()
        {
            foreach (var tensor in Tensors) tensor.Dispose();
        }
    }

    public static bool HasZipSignature(ReadOnlySpan<byte> head) => head.StartsWith(ZipSignature);

    public static bool HasLegacySignature(ReadOnlySpan<byte> head) => head.StartsWith(LegacySignature);

    public static Contents Read(string path)
    {
        var tensors = new List<Tensor>();
        try
        {
            using var archive = ZipFile.OpenRead(path);
            using var storages = new StorageArchive(archive, path);
            object? root = TorchPickleReader.Read(storages.Pickle(), path, (storage, offset, shape, strides) =>
            {
                var tensor = storages.Rebuild(storage, offset, shape, strides);
                tensors.Add(tensor);
                return tensor;
            });
            return new Contents(root, tensors);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            foreach (var tensor in tensors) tensor.Dispose();
            throw new BalmsException($"{path}: corrupt or truncated PyTorch checkpoint ({e.Message.Split('\n')[0]})", e);
        }
        catch
        {
            foreach (var tensor in tensors) tensor.Dispose();
            throw;
        }
    }

    /// <summary>The entries of one torch.save archive, and its storages once read.</summary>
    private sealed class StorageArchive : IDisposable
    {
        private readonly Dictionary<string, ZipArchiveEntry> _entries = [];
        private readonly Dictionary<string, Tensor> _storages = [];
        private readonly string _path;
        private readonly string _prefix;

        public StorageArchive(ZipArchive archive, string path)
        {
            _path = path;
            foreach (var entry in archive.Entries) _entries[entry.FullName] = entry;
            // torch.save puts everything under one folder, named after the file (PyTorch < 2) or "archive".
            var pickle = _entries.Keys.Where(name => name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/') == name.Length - "/data.pkl".Length).ToList();
            if (pickle.Count != 1)
                throw new BalmsException(_entries.Keys.Any(name => name.EndsWith("/constants.pkl", StringComparison.Ordinal))
                    ? $"{path} is a TorchScript archive (torch.jit.save); save the model's state_dict with torch.save instead"
                    : $"{path} is a zip file but not a PyTorch checkpoint (no <name>/data.pkl)");
            _prefix = pickle[0][..^"data.pkl".Length];
            if (_entries.TryGetValue(_prefix + "byteorder", out var byteOrder) && ReadText(byteOrder) != "little")
                throw new BalmsException($"{path} was saved on a big-endian machine; re-save it on a little-endian one");
        }

        public byte[] Pickle() => ReadAll(_entries[_prefix + "data.pkl"]);

        public Tensor Rebuild(StorageReference storage, long offset, long[] shape, long[] strides)
        {
            var whole = Storage(storage);
            bool empty = shape.Any(size => size == 0);
            long last = offset + shape.Zip(strides, (size, stride) => (size - 1) * stride).Sum();
            if (shape.Length != strides.Length || offset < 0 || shape.Any(size => size < 0) || strides.Any(stride => stride < 0)
                || (!empty && last >= storage.ElementCount))
                throw new BalmsException($"{_path}: corrupt checkpoint: a tensor of shape [{string.Join(", ", shape)}] lies outside its storage data/{storage.Key} of {storage.ElementCount} values");
            using var view = whole.as_strided(shape, strides, offset);
            var tensor = torch.empty(shape, storage.Dtype);
            tensor.copy_(view);
            return tensor;
        }

        private Tensor Storage(StorageReference storage)
        {
            if (_storages.TryGetValue(storage.Key, out var cached)) return cached;
            if (!_entries.TryGetValue(_prefix + "data/" + storage.Key, out var entry))
                throw new BalmsException($"{_path}: corrupt checkpoint: its pickle names storage data/{storage.Key}, which the archive lacks");
            if (entry.Length != storage.ByteCount)
                throw new BalmsException($"{_path}: corrupt checkpoint: data/{storage.Key} holds {entry.Length} bytes, its {storage.ElementCount} {storage.Dtype} values need {storage.ByteCount}");
            var values = torch.empty(storage.ElementCount, storage.Dtype);
            _storages[storage.Key] = values;
            using var stream = entry.Open();
            stream.ReadExactly(values.bytes);
            return values;
        }

        public void Dispose()
        {
            foreach (var storage in _storages.Values) storage.Dispose();
        }

        private static string ReadText(ZipArchiveEntry entry) => Encoding.ASCII.GetString(ReadAll(entry)).Trim();

        private static byte[] ReadAll(ZipArchiveEntry entry)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
