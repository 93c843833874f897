using System.IO.Compression;
using Balms.Data;
using Balms.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data.Readers;

public class FashionMnistTests
{
    private static readonly int[] TrainLabels = [9, 0, 0, 3, 7];
    private static readonly int[] TestLabels = [1, 8];

    private static byte Pixel(DatasetSplit split, int image, int y, int x) =>
        (byte)(((split == DatasetSplit.Test ? 50 : 0) + image * 11 + y * 28 + x) % 256);

    private static byte[] Images(DatasetSplit split, int count)
    {
        var values = new byte[count * 28 * 28];
        for (int i = 0; i < count; i++)
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                    values[(i * 28 + y) * 28 + x] = Pixel(split, i, y, x);
        return TinyFashionMnist.Idx([count, 28, 28], values);
    }

    private static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(content);
        return output.ToArray();
    }

    /// <summary>Writes the four official files, gzip-compressed (with .gz) or raw; returns the folder.</summary>
    private static string WriteDataset(TempDirectory folder, bool gzip)
    {
        void Write(string name, byte[] content)
        {
            if (gzip) File.WriteAllBytes(folder.Combine(name + ".gz"), Gzip(content));
            else File.WriteAllBytes(folder.Combine(name), content);
        }
        Write("train-images-idx3-ubyte", Images(DatasetSplit.Train, TrainLabels.Length));
        Write("train-labels-idx1-ubyte", TinyFashionMnist.Idx([TrainLabels.Length], TrainLabels.Select(l => (byte)l).ToArray()));
        Write("t10k-images-idx3-ubyte", Images(DatasetSplit.Test, TestLabels.Length));
        Write("t10k-labels-idx1-ubyte", TinyFashionMnist.Idx([TestLabels.Length], TestLabels.Select(l => (byte)l).ToArray()));
        return folder.Path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_every_pixel_and_label_of_both_splits(bool gzip)
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip);

        foreach (var (split, labels) in new[] { (DatasetSplit.Train, TrainLabels), (DatasetSplit.Test, TestLabels) })
        {
            var source = FashionMnist.Open(folder.Path, split);

            Assert.Equal(labels, source.Labels);
            Assert.Equal(10, source.ClassCount);
            Assert.Equal("T-shirt/top", source.ClassNames[0]);
            Assert.Equal("Ankle boot", source.ClassNames[9]);
            for (int i = 0; i < source.Count; i++)
            {
                var image = source.Read(i);
                Assert.Equal((28, 28, 1), (image.Height, image.Width, image.Channels));
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++)
                        Assert.Equal(Pixel(split, i, y, x), image[y, x, 0]);
            }
        }
    }

    [Fact]
    public void Gzip_content_is_detected_whatever_the_file_name()
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: false);
        string labels = folder.Combine("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, Gzip(File.ReadAllBytes(labels)));

        Assert.Equal(TestLabels, FashionMnist.Open(folder.Path, DatasetSplit.Test).Labels);
    }

    [Fact]
    public void Describe_names_the_image_file_and_record()
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: true);

        var source = FashionMnist.Open(folder.Path, DatasetSplit.Train);

        Assert.Equal($"{folder.Combine("train-images-idx3-ubyte.gz")}, record 3", source.Describe(3));
    }

    [Fact]
    public void Missing_file_names_both_names_looked_for()
    {
        using var folder = new TempDirectory();

        var error = Assert.Throws<DataException>(() => FashionMnist.Open(folder.Path, DatasetSplit.Test));

        string raw = folder.Combine("t10k-images-idx3-ubyte");
        Assert.Contains($"looked for {raw}.gz and {raw};", error.Message);
    }

    [Fact]
    public void Bad_magic_is_reported_with_its_file()
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: false);
        string images = folder.Combine("train-images-idx3-ubyte");
        // A label file (magic 0x00000801) where images are expected.
        File.WriteAllBytes(images, TinyFashionMnist.Idx([3], [1, 2, 3]));

        var error = Assert.Throws<DataException>(() => FashionMnist.Open(folder.Path, DatasetSplit.Train));

        Assert.Contains(images, error.Message);
        Assert.Contains("0x00000801", error.Message);
    }

    [Theory]
    [InlineData(false, -1)]
    [InlineData(true, -1)]
    [InlineData(false, +1)]
    public void Image_data_of_the_wrong_length_is_reported_with_its_file(bool gzip, int byteDifference)
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: false);
        string raw = folder.Combine("train-images-idx3-ubyte");
        var content = File.ReadAllBytes(raw);
        content = byteDifference < 0 ? content[..^1] : [.. content, 0];
        File.Delete(raw);
        string images = gzip ? raw + ".gz" : raw;
        File.WriteAllBytes(images, gzip ? Gzip(content) : content);

        var error = Assert.Throws<DataException>(() => FashionMnist.Open(folder.Path, DatasetSplit.Train));

        Assert.Contains(images, error.Message);
    }

    [Fact]
    public void Corrupt_gzip_stream_is_reported_with_its_file()
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: true);
        string images = folder.Combine("t10k-images-idx3-ubyte.gz");
        var content = File.ReadAllBytes(images);
        File.WriteAllBytes(images, content[..(content.Length / 2)]);

        var error = Assert.Throws<DataException>(() => FashionMnist.Open(folder.Path, DatasetSplit.Test));

        Assert.Contains(images, error.Message);
    }

    [Fact]
    public void Label_count_differing_from_image_count_is_reported()
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: false);
        string labels = folder.Combine("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, TinyFashionMnist.Idx([3], [1, 8, 2]));

        var error = Assert.Throws<DataException>(() => FashionMnist.Open(folder.Path, DatasetSplit.Test));

        Assert.Contains($"{labels}: 3 labels", error.Message);
    }

    [Fact]
    public void Label_out_of_range_is_reported_with_its_file()
    {
        using var folder = new TempDirectory();
        WriteDataset(folder, gzip: false);
        string labels = folder.Combine("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, TinyFashionMnist.Idx([2], [1, 10]));

        var error = Assert.Throws<DataException>(() => FashionMnist.Open(folder.Path, DatasetSplit.Test));

        Assert.Contains($"{labels}: label 10 of record 1", error.Message);
    }
}
