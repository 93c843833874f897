using Balms.Data;
using Balms.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data.Readers;

public class CifarTests
{
    public static TheoryData<CifarVariant, bool, CifarPackaging> AllDistributions()
    {
        var data = new TheoryData<CifarVariant, bool, CifarPackaging>();
        foreach (var variant in new[] { CifarVariant.Cifar10, CifarVariant.Cifar100 })
            foreach (bool python in new[] { false, true })
                foreach (var packaging in new[] { CifarPackaging.Folder, CifarPackaging.Archive })
                    data.Add(variant, python, packaging);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllDistributions))]
    public void Reads_every_pixel_and_label_of_both_splits(CifarVariant variant, bool python, CifarPackaging packaging)
    {
        using var root = new TempDirectory();
        CifarFixture.Write(root.Path, variant, python, packaging);

        foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Test })
        {
            var source = Cifar.Open(root.Path, variant, split);

            var expectedLabels = CifarFixture.Labels(variant, split);
            Assert.Equal(expectedLabels, source.Labels);
            Assert.Equal(expectedLabels.Length, source.Count);
            Assert.Equal(CifarFixture.ClassNames(variant), source.ClassNames);
            Assert.Equal(variant == CifarVariant.Cifar10 ? 10 : 100, source.ClassCount);
            for (int i = 0; i < source.Count; i++)
            {
                var image = source.Read(i);
                Assert.Equal((32, 32, 3), (image.Height, image.Width, image.Channels));
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++)
                        for (int c = 0; c < 3; c++)
                            Assert.Equal(CifarFixture.Pixel(split, i, c, y, x), image[y, x, c]);
            }
        }
    }

    [Fact]
    public void Image_is_stored_height_width_channel_with_red_plane_first()
    {
        using var root = new TempDirectory();
        CifarFixture.Write(root.Path, CifarVariant.Cifar10, python: false, CifarPackaging.Folder);

        var image = Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Train).Read(1);

        // Image 1, pixel (y=2, x=5): (31 + 85c + 14 + 15) % 256 = 60, 145, 230 for R, G, B.
        int offset = (2 * 32 + 5) * 3;
        Assert.Equal(new byte[] { 60, 145, 230 }, image.Pixels[offset..(offset + 3)]);
    }

    [Theory]
    [InlineData(false, "cifar-10-batches-bin/data_batch_2.bin")]
    [InlineData(true, "cifar-10-batches-py/data_batch_2")]
    public void Describe_names_the_batch_file_and_record(bool python, string expectedFile)
    {
        using var root = new TempDirectory();
        CifarFixture.Write(root.Path, CifarVariant.Cifar10, python, CifarPackaging.Folder);

        var source = Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Train);

        // Batches hold 2, 3, 1, 2, 2 images: sample 4 is the third record (index 2) of data_batch_2.
        Assert.Equal($"{Path.Combine(root.Path, expectedFile)}, record 2", source.Describe(4));
        Assert.EndsWith("data_batch_5" + (python ? "" : ".bin") + ", record 1", source.Describe(9));
    }

    [Fact]
    public void Archive_samples_are_described_by_archive_and_entry()
    {
        using var root = new TempDirectory();
        string archive = CifarFixture.Write(root.Path, CifarVariant.Cifar100, python: true, CifarPackaging.Archive);

        var source = Cifar.Open(root.Path, CifarVariant.Cifar100, DatasetSplit.Test);

        Assert.Equal($"{archive}:cifar-100-python/test, record 3", source.Describe(3));
    }

    [Fact]
    public void Missing_dataset_names_every_path_looked_at_and_the_downloads()
    {
        using var root = new TempDirectory();

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar100, DatasetSplit.Train));

        foreach (string name in new[] { "cifar-100-binary", "cifar-100-python", "cifar-100-binary.tar.gz", "cifar-100-python.tar.gz" })
            Assert.Contains(Path.Combine(root.Path, name), error.Message);
        Assert.Contains("https://www.cs.toronto.edu/~kriz/cifar.html", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Truncated_binary_batch_is_reported_with_its_file()
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar10, python: false, CifarPackaging.Folder);
        string batch = Path.Combine(folder, "data_batch_3.bin");
        File.WriteAllBytes(batch, File.ReadAllBytes(batch)[..^100]);

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Train));

        Assert.Contains(batch, error.Message);
    }

    [Theory]
    [InlineData(CifarVariant.Cifar10, "test_batch.bin", 1, 10)]
    [InlineData(CifarVariant.Cifar100, "test.bin", 2, 100)]
    public void Binary_label_out_of_range_is_reported_with_its_file(CifarVariant variant, string file, int labelBytes, int badLabel)
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, variant, python: false, CifarPackaging.Folder);
        string batch = Path.Combine(folder, file);
        var bytes = File.ReadAllBytes(batch);
        bytes[labelBytes + 3072 + labelBytes - 1] = (byte)badLabel; // label of the second record
        File.WriteAllBytes(batch, bytes);

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, variant, DatasetSplit.Test));

        Assert.Contains(batch, error.Message);
        Assert.Contains($"label {badLabel} of record 1", error.Message);
    }

    [Fact]
    public void Wrong_number_of_class_names_is_reported_with_its_file()
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar10, python: false, CifarPackaging.Folder);
        string names = Path.Combine(folder, "batches.meta.txt");
        File.WriteAllText(names, "airplane\nautomobile\n\n");

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Test));

        Assert.Contains(names, error.Message);
    }

    [Theory]
    [InlineData("not a pickle at all")]
    [InlineData("")]
    public void Unreadable_pickle_is_reported_with_its_file(string content)
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar10, python: true, CifarPackaging.Folder);
        string batch = Path.Combine(folder, "data_batch_4");
        File.WriteAllText(batch, content);

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Train));

        Assert.Contains(batch, error.Message);
    }

    [Fact]
    public void Truncated_pickle_is_reported_with_its_file()
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar100, python: true, CifarPackaging.Folder);
        string batch = Path.Combine(folder, "train");
        var bytes = File.ReadAllBytes(batch);
        File.WriteAllBytes(batch, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar100, DatasetSplit.Train));

        Assert.Contains(batch, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(new[] { 1, 100, 2, 3 }, "label 100 of record 1")]
    [InlineData(new[] { 1, 2, 3 }, "3 entries but 'data' holds 4 images")]
    public void Bad_pickled_labels_are_reported_with_their_file(int[] fineLabels, string expected)
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar100, python: true, CifarPackaging.Folder);
        string batch = Path.Combine(folder, "test");
        var data = new NumpyBytes([4, 3072], new byte[4 * 3072]);
        var dict = new PyDict { ("fine_labels", fineLabels.Cast<object>().ToList()), ("data", data) };
        File.WriteAllBytes(batch, PythonPickleWriter.Protocol2(dict));

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar100, DatasetSplit.Test));

        Assert.Contains(batch, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Pickled_array_of_wrong_width_is_reported_with_its_file()
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar10, python: true, CifarPackaging.Folder);
        string batch = Path.Combine(folder, "test_batch");
        var dict = CifarFixture.PythonBatch(CifarVariant.Cifar10, "bad", [1, 2], new NumpyBytes([2, 1024], new byte[2048]));
        File.WriteAllBytes(batch, PythonPickleWriter.Protocol2(dict));

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Test));

        Assert.Contains(batch, error.Message);
        Assert.Contains("shape (2, 1024)", error.Message);
    }

    [Fact]
    public void Truncated_archive_is_reported_with_its_path()
    {
        using var root = new TempDirectory();
        string archive = CifarFixture.Write(root.Path, CifarVariant.Cifar10, python: false, CifarPackaging.Archive);
        var bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(bytes.Length / 2)]);

        // test_batch.bin is the last entry, so reading the test split must run into the cut.
        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Test));

        Assert.Contains(archive, error.Message);
    }

    [Fact]
    public void Archive_without_a_needed_file_names_the_missing_entry()
    {
        using var root = new TempDirectory();
        var files = CifarFixture.PythonFiles(CifarVariant.Cifar10);
        files.Remove("data_batch_5");
        string archive = Path.Combine(root.Path, "cifar-10-python.tar.gz");
        CifarFixture.WriteTarGz(archive, "cifar-10-batches-py", files);

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Train));

        Assert.Contains(archive, error.Message);
        Assert.Contains("cifar-10-batches-py/data_batch_5", error.Message);
    }

    [Fact]
    public void Empty_archive_entry_is_reported_with_archive_and_entry()
    {
        using var root = new TempDirectory();
        var files = CifarFixture.PythonFiles(CifarVariant.Cifar10);
        files["test_batch"] = [];
        string archive = Path.Combine(root.Path, "cifar-10-python.tar.gz");
        CifarFixture.WriteTarGz(archive, "cifar-10-batches-py", files);

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar10, DatasetSplit.Test));

        Assert.Contains($"{archive}:cifar-10-batches-py/test_batch", error.Message);
    }

    [Fact]
    public void Folder_without_a_needed_file_names_the_missing_file()
    {
        using var root = new TempDirectory();
        string folder = CifarFixture.Write(root.Path, CifarVariant.Cifar100, python: false, CifarPackaging.Folder);
        File.Delete(Path.Combine(folder, "fine_label_names.txt"));

        var error = Assert.Throws<DataException>(() => Cifar.Open(root.Path, CifarVariant.Cifar100, DatasetSplit.Test));

        Assert.Contains(Path.Combine(folder, "fine_label_names.txt"), error.Message);
    }
}
