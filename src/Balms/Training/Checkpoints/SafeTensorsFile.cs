using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data). Our checkpoints use it so that PyTorch users can
/// open them with the safetensors package, and so that a write is one sequential file that can be replaced atomically.
/// </summary>
public static class SafeTensorsFile
{
    private static readonly Dictionary<ScalarType, string> DtypeNames = new()
    {
        [ScalarType.Float32] = "F32", [ScalarType.Float64] = "F64", [ScalarType.Int64] = "I64",
        [ScalarType.Int32] = "I32", [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
        [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
    };

    /// <summary>
    /// Writes the tensors (copied to the CPU) and string metadata to <paramref name="path"/> through a temporary
    /// file that is flushed to disk and then renamed over the target, so a crash at any instant leaves either the
    /// old file or the new one, never a torn one.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject();
        var meta = new JsonObject();
        foreach (var (key, value) in metadata) meta[key] = value;
        header["__metadata__"] = meta;
        var payloads = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            using var cpu = tensor.detach().cpu().contiguous();
            byte[] bytes = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeNames.TryGetValue(cpu.dtype, out var dtype) ? dtype : throw new NotSupportedException($"dtype {cpu.dtype} of {name}"),
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            payloads.Add(bytes);
            offset += bytes.Length;
        }
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
        int padding = (8 - headerBytes.Length % 8) % 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(headerBytes.Length + padding));
            stream.Write(length);
            stream.Write(headerBytes);
            for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
            foreach (var payload in payloads) stream.Write(payload);
        }, "checkpoint");
    }

    public sealed record Contents(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata);

    public static Contents Load(string path)
    {
        if (!File.Exists(path)) throw new BalmsException($"checkpoint not found: {path}");
        byte[] file = File.ReadAllBytes(path);
        try
        {
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
            if (file.Length < 8 || headerLength > (ulong)(file.Length - 8)) throw new FormatException("header length beyond end of file");
            var header = JsonNode.Parse(file.AsSpan(8, (int)headerLength))!.AsObject();
            long dataStart = 8 + (long)headerLength;
            var tensors = new Dictionary<string, Tensor>();
            var metadata = new Dictionary<string, string>();
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    foreach (var (key, value) in node!.AsObject()) metadata[key] = value!.GetValue<string>();
                    continue;
                }
                string dtypeName = node!["dtype"]!.GetValue<string>();
                var dtype = DtypeNames.FirstOrDefault(d => d.Value == dtypeName);
                if (dtype.Value is null) throw new FormatException($"unsupported dtype {dtypeName} of {name}");
                long[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                if (dataStart + offsets[1] > file.Length || offsets[0] > offsets[1]) throw new FormatException($"data of {name} beyond end of file");
                var tensor = torch.empty(shape, dtype.Key);
                var bytes = file.AsSpan((int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0]));
                if (bytes.Length != tensor.bytes.Length) throw new FormatException($"size of {name} does not match its shape");
                bytes.CopyTo(tensor.bytes);
                tensors[name] = tensor;
            }
            return new Contents(tensors, metadata);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException or NullReferenceException)
        {
            throw new BalmsException($"checkpoint {path} is corrupt or not a safetensors file: {e.Message}", e);
        }
    }
}
