using System.Globalization;
using System.Text.Json.Nodes;
using Balms.Configuration;
using Balms.Data;
using Balms.Tests.Fixtures;
using Balms.Training;
using Balms.Training.Checkpoints;

namespace Balms.Tests.Cli;

public class TrainCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public TrainCommandTests()
    {
        _data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A tiny Fashion-MNIST-LT experiment: head class 40 images, IF 10 (40 ... 4 images per class).</summary>
    private string Config(string name, string training)
    {
        string path = _temp.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            seed: 3
            data:
              dataset: fashion_mnist_lt
              imbalance_factor: 10
              head_class_size: 40
            model:
              backbone: resnet32
            training:
              batch_size: 16
            {training}
            output:
              dir: {_temp.Combine("runs", name)}
            """);
        return path;
    }

    private const string StageOne = """
          loss: softmax
          num_epochs: 4
          optimizer: {lr: 0.05}
        """;

    /// <summary>Trains the "stage1" run and returns the training block of a decoupled Balanced Softmax stage on it.</summary>
    private string DecoupledBalancedSoftmaxOnStageOne(int epochs)
    {
        Assert.Equal(0, CliRunner.Run("train", "--config", Config("stage1", StageOne), "--data-root", _data).ExitCode);
        return $"  stage: decoupled\n  model_dir: {_temp.Combine("runs", "stage1")}\n  loss: balanced_softmax\n  num_epochs: {epochs}";
    }

    [Fact]
    public void EndToEndRunLowersTheLossAndWritesTheRunDirectory()
    {
        var result = CliRunner.Run("train", "--config", Config("stage1", StageOne), "--data-root", _data);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        string run = _temp.Combine("runs", "stage1");

        var losses = File.ReadAllLines(Path.Combine(run, "epochs.csv")).Skip(1)
            .Select(line => double.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, losses.Count);
        Assert.True(losses[^1] < losses[0], $"training loss did not fall: {string.Join(", ", losses)}");

        // Class sizes 40, 30, 23, 18, ... 4: no class has more than 100 images, so "many" is absent, not 0.
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!;
        Assert.Null(metrics["many"]);
        foreach (var key in new[] { "top1", "medium", "few", "macro_f1", "ece" })
            Assert.InRange(metrics[key]!.GetValue<double>(), 0, 1);
        // Chance is 0.10 on the balanced test set. This run reaches 0.40, and 0.40-0.64 with other seeds; images out
        // of step with their labels, or a test set normalised unlike the training set, would stay near chance.
        double top1 = metrics["top1"]!.GetValue<double>();
        Assert.True(top1 > 0.25, $"test top-1 {top1} is near chance (0.10)");
        Assert.Equal(10, metrics["per_class"]!.AsArray().Count);
        Assert.Equal("test", metrics["best"]!["selected_on"]!.GetValue<string>());
        // The best epoch is the first with the highest test top-1 of epochs.csv, and its numbers are that epoch's.
        var evalTop1 = File.ReadAllLines(Path.Combine(run, "epochs.csv")).Skip(1)
            .Select(line => double.Parse(line.Split(',')[5], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(evalTop1.IndexOf(evalTop1.Max()) + 1, metrics["best"]!["epoch"]!.GetValue<int>());
        Assert.Equal(evalTop1.Max(), metrics["best"]!["top1"]!.GetValue<double>(), 1e-6);
        Assert.Equal(new long[] { 40, 30, 23, 18, 14, 11, 8, 6, 5, 4 },
            metrics["class_counts"]!.AsArray().Select(c => c!.GetValue<long>()).ToArray());

        foreach (var file in new[] { "config.yaml", "log.txt", "train_indices.json", "checkpoints/latest.safetensors", "checkpoints/best.safetensors" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*", SearchOption.AllDirectories));
        Assert.Contains("top-1", result.Output);
        Assert.Contains("medium", result.Output);
    }

    [Fact]
    public void MixedPrecisionRunLowersTheLossAndKeepsFloat32Weights()
    {
        // Mixed precision's numerics on any CPU: one without bfloat16 instructions is allowed to emulate it here.
        var result = CliRunner.Run("train", "--config", Config("bf16", StageOne), "--data-root", _data, "--set", "model.precision=bfloat16",
            "--set", "model.allow_slow_bfloat16=true");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        string run = _temp.Combine("runs", "bf16");

        Assert.Contains("resnet32 (bfloat16 mixed precision)", File.ReadAllText(Path.Combine(run, "log.txt")));
        var losses = File.ReadAllLines(Path.Combine(run, "epochs.csv")).Skip(1)
            .Select(line => double.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
        Assert.True(losses[^1] < losses[0], $"training loss did not fall: {string.Join(", ", losses)}");
        using var checkpoint = Checkpoint.Load(Path.Combine(run, "checkpoints", "latest.safetensors"));
        Assert.All(checkpoint.Tensors.Where(t => t.Key.StartsWith("feat_model.") && t.Value.is_floating_point()),
            t => Assert.Equal(TorchSharp.torch.ScalarType.Float32, t.Value.dtype));
    }

    [Fact]
    public void DecoupledBalancedSoftmaxAndBalmsStartFromStageOne()
    {
        string decoupled = DecoupledBalancedSoftmaxOnStageOne(epochs: 2) + "\n  optimizer: {lr: 0.1}";
        var plain = CliRunner.Run("train", "--config", Config("decouple", decoupled), "--data-root", _data);
        Assert.True(plain.ExitCode == 0, plain.Error + plain.Output);
        Assert.Contains("650 trainable", plain.Output);

        var balms = CliRunner.Run("train", "--config", Config("balms", decoupled + "\n  sampler: {type: meta, meta_batch_size: 20}"), "--data-root", _data);
        Assert.True(balms.ExitCode == 0, balms.Error + balms.Output);
        var distribution = File.ReadAllLines(_temp.Combine("runs", "balms", "sampling_distribution.csv"));
        Assert.Equal(3, distribution.Length);
        double total = distribution[2].Split(',').Skip(1).Sum(p => double.Parse(p, CultureInfo.InvariantCulture));
        Assert.Equal(1.0, total, 6);
    }

    [Fact]
    public void DecoupledStageKeepsBatchNormInTrainModeUnlessFrozen()
    {
        string decoupled = DecoupledBalancedSoftmaxOnStageOne(epochs: 1);
        Assert.Equal(0, CliRunner.Run("train", "--config", Config("moving", decoupled), "--data-root", _data).ExitCode);
        Assert.Equal(0, CliRunner.Run("train", "--config", Config("frozen", decoupled + "\n  freeze_batch_norm: true"), "--data-root", _data).ExitCode);

        float[] RunningMean(string run, string checkpoint)
        {
            using var loaded = Checkpoint.Load(_temp.Combine("runs", run, "checkpoints", checkpoint));
            return loaded.Tensors["feat_model.bn1.running_mean"].data<float>().ToArray();
        }
        float[] stageOne = RunningMean("stage1", "best.safetensors");
        // As the original: BatchNorm statistics keep moving with the stage-2 batches although the weights are frozen.
        Assert.NotEqual(stageOne, RunningMean("moving", "latest.safetensors"));
        Assert.Equal(stageOne, RunningMean("frozen", "latest.safetensors"));
    }

    [Fact]
    public void SeedsTrainOneRunEachAndEndWithTheirMeanAndStandardDeviation()
    {
        string training = "  loss: softmax\n  num_epochs: 2\n  max_steps_per_epoch: 3\n  optimizer: {lr: 0.05}";
        var result = CliRunner.Run("train", "--config", Config("seeded", training), "--data-root", _data, "--seeds", "4,7");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);

        string Run(int seed) => _temp.Combine("runs", "seeded", $"seed_{seed}");
        Assert.Contains("seed: 4", File.ReadAllText(Path.Combine(Run(4), "config.yaml")));
        Assert.Contains("seed: 7", File.ReadAllText(Path.Combine(Run(7), "config.yaml")));
        // The training seed changes, the data seed (here: the long-tailed subset) does not.
        Assert.Equal(File.ReadAllText(Path.Combine(Run(4), "train_indices.json")), File.ReadAllText(Path.Combine(Run(7), "train_indices.json")));
        var top1 = new[] { 4, 7 }.Select(seed => JsonNode.Parse(File.ReadAllText(Path.Combine(Run(seed), "metrics.json")))!["top1"]!.GetValue<double>()).ToArray();
        double mean = top1.Average(), std = Math.Abs(top1[0] - top1[1]) / Math.Sqrt(2);
        Assert.Contains("Mean ± std over seeds", result.Output);
        Assert.Contains(FormattableString.Invariant($"{100 * mean:F2} ± {100 * std:F2}"), result.Output);
    }

    [Fact]
    public void ResumingSeveralRunsKeepsTheFinishedOnesAndRefusesARunOfAnotherConfig()
    {
        // As if `--seeds 4,7` had been cut right after seed 4 finished, over a seed_7 left by a run of another config.
        string Training(double lr) => $"  loss: softmax\n  num_epochs: 2\n  max_steps_per_epoch: 2\n  optimizer: {{lr: {lr.ToString(CultureInfo.InvariantCulture)}}}";
        Assert.Equal(0, CliRunner.Run("train", "--config", Config("cut", Training(0.01)), "--data-root", _data, "--seeds", "7").ExitCode);
        string config = Config("cut", Training(0.05));
        Assert.Equal(0, CliRunner.Run("train", "--config", config, "--data-root", _data, "--seeds", "4").ExitCode);
        string finished = _temp.Combine("runs", "cut", "seed_4", "metrics.json");
        byte[] before = File.ReadAllBytes(finished);

        var result = CliRunner.Run("train", "--config", config, "--data-root", _data, "--seeds", "4,7", "--resume");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cut: finished before, kept as it is", result.Output);
        Assert.Contains("with a different config", result.Error);
        Assert.Contains("lr: 0.01", result.Error);
        Assert.Equal(before, File.ReadAllBytes(finished));
        Assert.Contains("lr: 0.01", File.ReadAllText(_temp.Combine("runs", "cut", "seed_7", "config.yaml")));
    }

    [Fact]
    public void ResumingSeveralRunsContinuesTheOneThatWasCut()
    {
        string training = "  loss: softmax\n  num_epochs: 2\n  max_steps_per_epoch: 3\n  optimizer: {lr: 0.05}";
        string config = Config("cut_mid", training);
        Assert.Equal(0, CliRunner.Run("train", "--config", config, "--data-root", _data, "--seeds", "4").ExitCode);
        // Seed 7 as `--seeds 4,7` runs it, cut after 4 of its 6 steps.
        var loaded = ConfigLoader.Load(config);
        var seven = loaded with
        {
            Seed = 7,
            Data = loaded.Data with { Root = _data },
            Output = new OutputOptions { Dir = _temp.Combine("runs", "cut_mid", "seed_7") },
        };
        using (var source = new CancellationTokenSource())
            Assert.True(new Trainer(seven, DatasetCatalog.Load(seven), seven.Output.Dir, new CancelWhen(source) { AfterStep = 4 },
                TorchSharp.torch.CPU).Run(source.Token).Interrupted);

        var result = CliRunner.Run("train", "--config", config, "--data-root", _data, "--seeds", "4,7", "--resume");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("cut_mid: finished before, kept as it is", result.Output);
        Assert.Contains("at epoch 2, step 1", File.ReadAllText(_temp.Combine("runs", "cut_mid", "seed_7", "log.txt")));
        Assert.Matches(@"\|\s*cut_mid\s*\|\s*2\s*\|", result.Output);
    }

    [Fact]
    public void AResumeFindsItsRunHoweverTheOutputPathIsSpelled()
    {
        string config = Config("spelled", "  loss: softmax\n  num_epochs: 2\n  max_steps_per_epoch: 3\n  optimizer: {lr: 0.05}");
        var options = ConfigLoader.Load(config);
        options = options with { Data = options.Data with { Root = _data } };
        using (var source = new CancellationTokenSource())
            Assert.True(new Trainer(options, DatasetCatalog.Load(options), options.Output.Dir, new CancelWhen(source) { AfterStep = 2 },
                TorchSharp.torch.CPU).Run(source.Token).Interrupted);

        var result = CliRunner.Run("train", "--config", config, "--data-root", _data, "--output", options.Output.Dir + "/", "--resume");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("at epoch 1, step 2", File.ReadAllText(Path.Combine(options.Output.Dir, "log.txt")));
    }
}
