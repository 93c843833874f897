using System.Globalization;
using System.Text.Json.Nodes;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;
using Balms.Tests.Inference;
using Balms.Training.Checkpoints;
using SkiaSharp;

namespace Balms.Tests.Cli;

/// <summary>The own-data chain on a generated image folder: data report, training, predictions, evaluation with priors.</summary>
public class ImageFolderCliTests : IDisposable
{
    private static readonly string[] Names = ["ant", "bee", "cow"];
    private readonly TempDirectory _temp = new();

    public ImageFolderCliTests()
    {
        // Train 12 / 6 / 3 images (imbalance factor 4), test 4 a class.
        ImageFolderFixture.WriteClasses(Data("train"), (Names[0], 12), (Names[1], 6), (Names[2], 3));
        ImageFolderFixture.WriteClasses(Data("test"), (Names[0], 4), (Names[1], 4), (Names[2], 4));
    }

    public void Dispose() => _temp.Dispose();

    private string Data(params string[] parts) => _temp.Combine(["data", .. parts]);

    private string RunDirectory(string name) => _temp.Combine("runs", name);

    private string Config(string name, string training = "loss: softmax", string model = "")
    {
        string path = _temp.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            seed: 1
            data:
              dataset: image_folder
              root: {Data()}
              image_size: 32
            model:
              backbone: resnet32
            {model}
            training:
              batch_size: 4
              num_epochs: 1
              max_steps_per_epoch: 2
              {training}
            output:
              dir: {RunDirectory(name)}
            """);
        return path;
    }

    [Fact]
    public void DataReportsTheImbalanceAndWritesTheProfile()
    {
        var result = CliRunner.Run("data", "--config", Config("report"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("21 training images, 3 classes, imbalance factor 4.0", result.Output);
        Assert.Contains("2\tcow\t3\tfew", result.Output);
        string png = Path.Combine(RunDirectory("report"), "long_tail_profile.png");
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((900, 540), (bitmap.Width, bitmap.Height));

        string elsewhere = _temp.Combine("elsewhere");
        Assert.Equal(0, CliRunner.Run("data", "--config", Config("report"), "--output", elsewhere).ExitCode);
        Assert.True(File.Exists(Path.Combine(elsewhere, "long_tail_profile.png")));
    }

    [Fact]
    public void TrainingKeepsTheClassNamesAndPredictUsesThem()
    {
        var train = CliRunner.Run("train", "--config", Config("stage1"));
        Assert.True(train.ExitCode == 0, train.Error + train.Output);

        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(RunDirectory("stage1"), "metrics.json")))!;
        Assert.Equal(Names, metrics["class_names"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal([12L, 6, 3], metrics["class_counts"]!.AsArray().Select(n => n!.GetValue<long>()));
        using (var weights = ModelWeights.Read(Path.Combine(RunDirectory("stage1"), "checkpoints", "best.safetensors")))
        {
            Assert.Equal("imagenet:32", weights.Info.Checkpoint!.InputTransform);
            Assert.Equal("train", weights.Info.Checkpoint.ModelPrior);
        }

        var table = CliRunner.Run("predict", "--checkpoint", RunDirectory("stage1"), Data("test", "bee"), "--top", "2");
        Assert.True(table.ExitCode == 0, table.Error);
        string[] lines = table.Output.TrimEnd().Split('\n');
        Assert.Equal("image\tclass_1\tp_1\tclass_2\tp_2", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.All(lines.Skip(1), line =>
        {
            string[] cells = line.Split('\t');
            Assert.StartsWith(Data("test", "bee"), cells[0]);
            Assert.Contains(cells[1], Names);
            Assert.Contains(cells[3], Names);
            Assert.True(double.Parse(cells[2], CultureInfo.InvariantCulture) >= double.Parse(cells[4], CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public void PredictJsonFollowsThePriorAdjustmentMath()
    {
        // Logits ln 1, ln 2, ln 4 for every image; the training prior 12 : 6 : 3 turns them into [12, 12, 12] / 36.
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("tiny.safetensors"), [0, Math.Log(2), Math.Log(4)], Names, [12, 6, 3]);
        string image = Path.Combine(Data("test", "ant"), "0.png");

        var plain = CliRunner.Run("predict", "--checkpoint", checkpoint, image, "--json", "--top", "3");
        var adjusted = CliRunner.Run("predict", "--checkpoint", checkpoint, "--prior", "train", "--json", image);

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Equal("", plain.Error);
        var line = JsonNode.Parse(plain.Output.Trim())!;
        Assert.Equal(image, line["path"]!.GetValue<string>());
        var top = line["top"]!.AsArray();
        Assert.Equal(["cow", "bee", "ant"], top.Select(t => t!["class"]!.GetValue<string>()));
        Assert.Equal([4.0 / 7, 2.0 / 7, 1.0 / 7], top.Select(t => Math.Round(t!["probability"]!.GetValue<double>(), 6)), new Tolerance(1e-6));
        Assert.True(adjusted.ExitCode == 0, adjusted.Error);
        Assert.All(JsonNode.Parse(adjusted.Output.Trim())!["top"]!.AsArray(), t => Assert.Equal(1.0 / 3, t!["probability"]!.GetValue<double>(), 6));
    }

    [Fact]
    public void ATopBeyondTheClassesShowsThemAllAndSaysSo()
    {
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("tiny.safetensors"), [0, Math.Log(2), Math.Log(4)], Names, [12, 6, 3]);

        var result = CliRunner.Run("predict", "--checkpoint", checkpoint, Path.Combine(Data("test", "ant"), "0.png"), "--top", "50");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("note: --top 50 is more than the model's 3 classes; all 3 are shown", result.Error.Trim());
        Assert.Equal(["image", "class_1", "p_1", "class_2", "p_2", "class_3", "p_3"], result.Output.Split('\n')[0].Split('\t'));
    }

    [Fact]
    public void MatchingThePriorOfAForwardLongTailedTestSetRaisesAccuracy()
    {
        // The model slightly prefers the tail class for every image (logits 0, 0, 0.1), so on the forward test set
        // (4, 2, 1 images) it is right 1 time in 7; adjusted to the training prior 12 : 6 : 3 it picks the head class,
        // right 4 times in 7.
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("tail.safetensors"), [0, 0, 0.1], Names, [12, 6, 3]);
        string config = Config("eval");

        var plain = CliRunner.Run("eval", "--config", config, "--checkpoint", checkpoint, "--test-prior", "forward:4", "--output", _temp.Combine("plain"));
        var matched = CliRunner.Run("eval", "--config", config, "--checkpoint", checkpoint, "--test-prior", "forward:4", "--prior", "train", "--output", _temp.Combine("matched"));

        Assert.True(plain.ExitCode == 0, plain.Error + plain.Output);
        Assert.True(matched.ExitCode == 0, matched.Error + matched.Output);
        var before = JsonNode.Parse(File.ReadAllText(_temp.Combine("plain", "metrics.json")))!;
        var after = JsonNode.Parse(File.ReadAllText(_temp.Combine("matched", "metrics.json")))!;
        Assert.Equal([4L, 2, 1], before["test_class_counts"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal(1.0 / 7, before["top1"]!.GetValue<double>(), 9);
        Assert.Equal(4.0 / 7, after["top1"]!.GetValue<double>(), 9);
        Assert.Equal("train", after["prior"]!.GetValue<string>());
    }

    [Fact]
    public void APretrainedBackboneFileInitialisesStageOne()
    {
        // With lr 0 training leaves the convolutions as loaded, so the checkpoint must hold the file's weights.
        string pretrained = _temp.Combine("backbone.safetensors");
        using (var model = Balms.Models.LongTailModel.Create("resnet32", 3, 5))
        {
            var backbone = model.Backbone.state_dict();
            SafeTensorsFile.Save(pretrained, backbone, new Dictionary<string, string>());
        }
        var result = CliRunner.Run("train", "--config", Config("pretrained", "loss: softmax\n  optimizer: {lr: 0}", $"  pretrained: {pretrained}"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains($"backbone initialised from {pretrained}", File.ReadAllText(Path.Combine(RunDirectory("pretrained"), "log.txt")));
        var stored = SafeTensorsFile.Load(pretrained).Tensors;
        using var trained = ModelWeights.Read(Path.Combine(RunDirectory("pretrained"), "checkpoints", "latest.safetensors"));
        Assert.True(trained.Tensors["feat_model.conv1.weight"].allclose(stored["conv1.weight"], rtol: 0, atol: 0));
        Assert.True(trained.Tensors["feat_model.layer3.4.conv2.weight"].allclose(stored["layer3.4.conv2.weight"], rtol: 0, atol: 0));
        foreach (var tensor in stored.Values) tensor.Dispose();
    }

    [Fact]
    public void WithAValSplitTheBestEpochIsChosenOnValAndMeasuredOnTest()
    {
        ImageFolderFixture.WriteClasses(Data("by_class"), (Names[0], 12), (Names[1], 6), (Names[2], 6));
        var train = CliRunner.Run("train", "--config", Config("stage1"), "--set", $"data.root={Data("by_class")}",
            "--set", "data.val_fraction=0.34", "--set", "training.num_epochs=3");
        Assert.True(train.ExitCode == 0, train.Error + train.Output);

        var rows = File.ReadAllLines(Path.Combine(RunDirectory("stage1"), "epochs.csv")).Skip(1).Select(line => line.Split(',')).ToList();
        Assert.All(rows, row => Assert.Equal("val", row[4]));
        var valTop1 = rows.Select(row => double.Parse(row[5], CultureInfo.InvariantCulture)).ToList();
        var best = JsonNode.Parse(File.ReadAllText(Path.Combine(RunDirectory("stage1"), "metrics.json")))!["best"]!;
        Assert.Equal("val", best["selected_on"]!.GetValue<string>());
        Assert.Equal(valTop1.IndexOf(valTop1.Max()) + 1, best["epoch"]!.GetValue<int>());
        // Its reported numbers are the best checkpoint's on the test split, as `eval` measures them.
        var eval = CliRunner.Run("eval", "--config", Config("stage1"), "--set", $"data.root={Data("by_class")}", "--set", "data.val_fraction=0.34",
            "--checkpoint", Path.Combine(RunDirectory("stage1"), "checkpoints", "best.safetensors"), "--output", _temp.Combine("eval_best"));
        Assert.True(eval.ExitCode == 0, eval.Error + eval.Output);
        var measured = JsonNode.Parse(File.ReadAllText(_temp.Combine("eval_best", "metrics.json")))!;
        Assert.Equal(measured["top1"]!.GetValue<double>(), best["top1"]!.GetValue<double>(), 1e-9);
        Assert.Equal(measured["per_class"]!.ToJsonString(), best["per_class"]!.ToJsonString());
    }

    [Fact]
    public void CachedMetaFeaturesGiveTheSameBalmsRunAsFreshOnes()
    {
        // With a val split the meta set is the val images under the test transform, so with BatchNorm frozen a meta
        // image's features do not depend on when, or beside which images, they are computed.
        ImageFolderFixture.WriteClasses(Data("by_class"), (Names[0], 12), (Names[1], 6), (Names[2], 6));
        string[] valSplit = ["--set", $"data.root={Data("by_class")}", "--set", "data.val_fraction=0.34", "--set", "training.num_epochs=2"];
        Assert.Equal(0, CliRunner.Run(["train", "--config", Config("stage1"), .. valSplit]).ExitCode);
        string balms = $"loss: balanced_softmax\n  stage: decoupled\n  model_dir: {RunDirectory("stage1")}\n  freeze_batch_norm: true\n  optimizer: {{lr: 0.01}}";
        string sampler = "\n  sampler: {type: meta, meta_batch_size: 6, lr: 0.5";
        var fresh = CliRunner.Run(["train", "--config", Config("fresh", balms + sampler + "}"), .. valSplit]);
        var cached = CliRunner.Run(["train", "--config", Config("cached", balms + sampler + ", cache_meta_features: true}"), .. valSplit]);

        Assert.True(fresh.ExitCode == 0, fresh.Error + fresh.Output);
        Assert.True(cached.ExitCode == 0, cached.Error + cached.Output);
        string log = File.ReadAllText(Path.Combine(RunDirectory("cached"), "log.txt"));
        Assert.True(log.Contains("features of its 8 images (no augmentation) computed once"), log);
        double[][] Distribution(string run) => File.ReadAllLines(Path.Combine(RunDirectory(run), "sampling_distribution.csv")).Skip(1)
            .Select(line => line.Split(',').Skip(1).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var (freshRows, cachedRows) = (Distribution("fresh"), Distribution("cached"));
        Assert.Equal(2, cachedRows.Length);
        Assert.Equal(freshRows[1], cachedRows[1], new Tolerance(1e-5));
        // The sampler did move, so the comparison above is not between two untouched initial distributions.
        var counts = JsonNode.Parse(File.ReadAllText(Path.Combine(RunDirectory("cached"), "class_counts.json")))!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        double initialTail = counts[2] / counts.Sum();
        Assert.True(Math.Abs(cachedRows[1][2] - initialTail) > 1e-3, $"class 2's probability stayed at {initialTail}");
        using var freshWeights = ModelWeights.Read(Path.Combine(RunDirectory("fresh"), "checkpoints", "latest.safetensors"));
        using var cachedWeights = ModelWeights.Read(Path.Combine(RunDirectory("cached"), "checkpoints", "latest.safetensors"));
        Assert.True(cachedWeights.Tensors["classifier.fc.weight"].allclose(freshWeights.Tensors["classifier.fc.weight"], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void AnUnreadableImageStopsTrainingWithItsNameAndLeavesAnEarlierRunAsItWas()
    {
        Assert.Equal(0, CliRunner.Run("train", "--config", Config("broken")).ExitCode);
        string run = RunDirectory("broken");
        var earlier = Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(file => file, File.ReadAllBytes);
        // In the test split, which the end-of-epoch evaluation reads in full: the new run fails after it has started.
        string broken = Path.Combine(Data("test", "cow"), "broken.jpg");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 1, 2]);

        var result = CliRunner.Run("train", "--config", Config("broken"));

        AssertOneLineError(result, broken);
        Assert.Equal(earlier.Keys.Order(), Directory.GetFiles(run, "*", SearchOption.AllDirectories).Order());
        Assert.All(earlier, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
    }

    [Fact]
    public void AnImageThatIsNoImageStopsTheRunBeforeItWritesAnything()
    {
        // With two steps an epoch, a batch might never draw them: only the check of every file finds them.
        string empty = Data("train", "ant", "empty.jpg"), text = Data("train", "cow", "notes.png");
        File.WriteAllBytes(empty, []);
        File.WriteAllText(text, "not an image");

        var result = CliRunner.Run("train", "--config", Config("unchecked"));

        Assert.Equal($"error: {empty}: not a readable image (corrupt, empty, or a format SkiaSharp does not decode); 2 of the 35 image files cannot be read: remove or replace them",
            result.Error.Trim());
        Assert.Equal(2, result.ExitCode);
        Assert.False(Directory.Exists(RunDirectory("unchecked")));
    }

    [Fact]
    public void ARunThatFailsAfterItsFirstCheckpointStaysResumableAndKeepsTheEarlierRunAside()
    {
        string[] twoEpochs = ["--set", "training.num_epochs=2", "--set", "training.eval_every=2"];
        Assert.Equal(0, CliRunner.Run(["train", "--config", Config("later"), .. twoEpochs]).ExitCode);
        byte[] earlierMetrics = File.ReadAllBytes(Path.Combine(RunDirectory("later"), "metrics.json"));
        // Read by epoch 2's evaluation only, after epoch 1's checkpoint; cut after its header, so that it passes the
        // check of every file before the run.
        string broken = Path.Combine(Data("test", "cow"), "broken.png");
        byte[] whole = File.ReadAllBytes(Path.Combine(Data("test", "cow"), "0.png"));
        File.WriteAllBytes(broken, whole[..(whole.Length / 2)]);

        AssertOneLineError(CliRunner.Run(["train", "--config", Config("later"), .. twoEpochs]), broken);
        Assert.True(File.Exists(Path.Combine(RunDirectory("later"), "checkpoints", "latest.safetensors")));
        Assert.Equal(earlierMetrics, File.ReadAllBytes(Path.Combine(RunDirectory("later"), ".earlier_run", "metrics.json")));

        File.Delete(broken);
        Assert.Equal(0, CliRunner.Run(["train", "--config", Config("later"), .. twoEpochs, "--resume"]).ExitCode);
        Assert.False(Directory.Exists(Path.Combine(RunDirectory("later"), ".earlier_run")));
        Assert.True(File.Exists(Path.Combine(RunDirectory("later"), "metrics.json")));
    }

    [Fact]
    public void ACheckpointIsRefusedOnDataItWasNotTrainedOn()
    {
        ImageFolderFixture.WriteClasses(Data("by_class"), (Names[0], 12), (Names[1], 6), (Names[2], 6));
        string byClass = $"data.root={Data("by_class")}";
        Assert.Equal(0, CliRunner.Run("train", "--config", Config("stage1"), "--set", byClass).ExitCode);
        CliRunner.Result Eval(params string[] settings) => CliRunner.Run(
            ["eval", "--config", Config("stage1"), "--checkpoint", RunDirectory("stage1"), "--output", _temp.Combine("eval"), .. settings.SelectMany(s => new[] { "--set", s })]);
        Assert.Equal(0, Eval(byClass).ExitCode);

        // Another split of the same folder: some of the run's training images would be test images now.
        AssertOneLineError(Eval(byClass, "data.data_seed=1"), "train_indices.json differs");
        AssertOneLineError(Eval(byClass, "data.holdout_fraction=0.5"), "train_indices.json differs");
        // Another input size.
        AssertOneLineError(Eval(byClass, "data.image_size=40"), "prepared as imagenet:32, but this config prepares them as imagenet:40");
        // Other classes in the same number: the class folders renamed.
        ImageFolderFixture.WriteClasses(Data("renamed"), ("ant", 12), ("bug", 6), ("cow", 6));
        AssertOneLineError(Eval($"data.root={Data("renamed")}"), "class 1 is 'bee' there and 'bug' here");
        // A stage 2 on another split of the data its backbone was trained on.
        string decoupled = $"loss: balanced_softmax\n  stage: decoupled\n  model_dir: {RunDirectory("stage1")}";
        AssertOneLineError(CliRunner.Run("train", "--config", Config("stage2", decoupled), "--set", byClass, "--set", "data.data_seed=1"),
            "train_indices.json differs");
    }

    [Fact]
    public void AnEmptyClassFolderIsNamed()
    {
        Directory.CreateDirectory(Data("train", "dog"));

        AssertOneLineError(CliRunner.Run("data", "--config", Config("empty")), Data("train", "dog"));
    }

    [Fact]
    public void DataRefusesALinkThatWouldReadTheOtherClassesUnderOne()
    {
        string up = Data("train", "cow", "up");
        Directory.CreateSymbolicLink(up, "..");

        AssertOneLineError(CliRunner.Run("data", "--config", Config("linked")), $"{up} links to the folder");
    }

    [Fact]
    public void PredictClassifiesEachImageOfAFolderWithALinkLoopOnce()
    {
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("tiny.safetensors"), [0, 0, 0], Names, [12, 6, 3]);
        Directory.CreateSymbolicLink(Data("test", "bee", "loop"), "..");

        var result = CliRunner.Run("predict", "--checkpoint", checkpoint, Data("test"));

        Assert.True(result.ExitCode == 0, result.Error);
        var images = result.Output.TrimEnd().Split('\n').Skip(1).Select(line => line.Split('\t')[0]).ToList();
        Assert.Equal(12, images.Count);
        Assert.Equal(images.Count, images.Distinct().Count());
    }

    [Fact]
    public void PredictRejectsACheckpointWithoutClassNames()
    {
        string weights = _temp.Combine("weights.safetensors");
        using (var model = Balms.Models.LongTailModel.Create("resnet32", 3, 3))
            SafeTensorsFile.Save(weights, model.state_dict(), new Dictionary<string, string>());

        var result = CliRunner.Run("predict", "--checkpoint", weights, Data("test"));

        AssertOneLineError(result, "no class names");
    }

    private static void AssertOneLineError(CliRunner.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        string message = result.Error.Trim();
        Assert.StartsWith("error: ", message);
        Assert.DoesNotContain('\n', message);
        Assert.Contains(expected, message);
    }
}
