using Balms.Cli;
using Balms.Tests.Cli;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Inference.Onnx;

/// <summary>
/// Builds and runs examples/Balms.OnnxExample, which classifies images with an exported model through ONNX Runtime
/// alone: it references neither Balms nor TorchSharp, and its build output holds no libtorch.
/// </summary>
public class OnnxExampleProjectTests(TrainedFashionMnist trained) : IClassFixture<TrainedFashionMnist>
{
    private static readonly string Project = Path.Combine(Repository.Root, "examples", "Balms.OnnxExample");

    [Fact]
    public void TheExampleClassifiesWithTheExportedFileAloneAsPredictDoes()
    {
        using var temp = new TempDirectory();
        // Logits ln 1, ln 2, ln 4 whatever the image, for a balanced prior; exported for counts 9 : 3 : 1 as
        // probabilities: 9/19, 6/19, 4/19. Its 40×40 image goes through the ImageNet-style resize and centre crop.
        string tiny = TinyCheckpoint.Write(temp.Combine("tiny.safetensors"), [0, Math.Log(2), Math.Log(4)], ["ant", "bee", "cow"], [9, 3, 1]);
        string tinyModel = temp.Combine("tiny.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", tiny, "--output", tinyModel, "--prior", "train", "--softmax").ExitCode);
        string tinyImage = ImageFolderFixture.WriteClass(temp.Combine("colour"), "any", 0, 1)[0];
        // The trained grey model's logits, on Fashion-MNIST test images of its input size.
        string fashionModel = temp.Combine("fashion.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", trained.Run, "--output", fashionModel).ExitCode);
        string[] fashionImages = Directory.GetFiles(trained.ImageFolder).Order(StringComparer.Ordinal).ToArray();
        var predict = CliRunner.Run(["predict", "--model", fashionModel, .. fashionImages, "--top", "1"]);

        var (tinyExit, tinyOutput, tinyError) = ExampleProjectTests.Run("run", "-c", "Release", "--project", Project, "--", tinyModel, tinyImage);
        var (fashionExit, fashionOutput, fashionError) = ExampleProjectTests.Run(["run", "-c", "Release", "--no-build", "--project", Project, "--", fashionModel, .. fashionImages]);

        Assert.True(tinyExit == 0, tinyError + tinyOutput);
        Assert.Contains($"{tinyImage}: ant 0.474, bee 0.316, cow 0.211", tinyOutput);
        Assert.True(fashionExit == 0, fashionError + fashionOutput);
        var predictTop1 = predict.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split('\t')[1]);
        var exampleTop1 = fashionOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(": ")[1].Split(", ")[0][..^6]);
        Assert.Equal(predictTop1, exampleTop1);
        // What the program was built with and ships: no Balms, no TorchSharp, no libtorch.
        string dependencies = File.ReadAllText(Path.Combine(Project, "bin", "Release", "net10.0", "Balms.OnnxExample.deps.json"));
        Assert.DoesNotContain("TorchSharp", dependencies);
        Assert.DoesNotContain("\"Balms/", dependencies);
        Assert.Empty(Directory.GetFiles(Path.Combine(Project, "bin"), "*torch*", SearchOption.AllDirectories));
    }
}
