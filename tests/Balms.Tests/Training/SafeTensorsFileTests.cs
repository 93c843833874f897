using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;
using static TorchSharp.torch;

namespace Balms.Tests.Training;

public class SafeTensorsFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void RoundTripKeepsValuesShapesDtypesAndMetadata()
    {
        string path = _temp.Combine("a.safetensors");
        using var floats = tensor(new float[] { 1.5f, -2f, 3f, 4f, 5f, 6f }).reshape(2, 3);
        using var longs = tensor(new long[] { 7, 8 });
        SafeTensorsFile.Save(path, new Dictionary<string, Tensor> { ["w"] = floats, ["n"] = longs }, new Dictionary<string, string> { ["k"] = "v" });
        var loaded = SafeTensorsFile.Load(path);
        Assert.Equal(new long[] { 2, 3 }, loaded.Tensors["w"].shape);
        Assert.Equal(floats.data<float>().ToArray(), loaded.Tensors["w"].data<float>().ToArray());
        Assert.Equal(ScalarType.Int64, loaded.Tensors["n"].dtype);
        Assert.Equal(new long[] { 7, 8 }, loaded.Tensors["n"].data<long>().ToArray());
        Assert.Equal("v", loaded.Metadata["k"]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void HeaderFollowsTheSafetensorsLayout()
    {
        string path = _temp.Combine("b.safetensors");
        using var t = tensor(new float[] { 1f });
        SafeTensorsFile.Save(path, new Dictionary<string, Tensor> { ["x"] = t }, new Dictionary<string, string>());
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Contains("\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", header);
        Assert.Equal(8 + headerLength + 4, bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, (int)(8 + headerLength)));
    }

    [Fact]
    public void TruncatedFileIsReportedAsCorrupt()
    {
        string path = _temp.Combine("c.safetensors");
        using var t = tensor(new float[] { 1f, 2f, 3f });
        SafeTensorsFile.Save(path, new Dictionary<string, Tensor> { ["x"] = t }, new Dictionary<string, string>());
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var error = Assert.Throws<BalmsException>(() => SafeTensorsFile.Load(path));
        Assert.Contains("corrupt", error.Message);
        Assert.Contains("c.safetensors", error.Message);
    }

    [Fact]
    public void FailedWriteLeavesThePreviousFileIntact()
    {
        string path = _temp.Combine("d.safetensors");
        using var t = tensor(new float[] { 1f });
        SafeTensorsFile.Save(path, new Dictionary<string, Tensor> { ["x"] = t }, new Dictionary<string, string>());
        byte[] before = File.ReadAllBytes(path);
        // A directory where the temporary file should go makes the write fail.
        Directory.CreateDirectory(path + ".tmp");
        using var u = tensor(new float[] { 2f });
        Assert.Throws<WriteException>(() => SafeTensorsFile.Save(path, new Dictionary<string, Tensor> { ["x"] = u }, new Dictionary<string, string>()));
        Assert.Equal(before, File.ReadAllBytes(path));
    }
}
