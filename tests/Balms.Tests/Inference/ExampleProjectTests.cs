using System.Diagnostics;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Inference;

/// <summary>Builds and runs examples/Balms.Example, the library-use example, on a checkpoint made here.</summary>
public class ExampleProjectTests
{
    [Fact]
    public void TheExampleClassifiesAnImageWithBothPriors()
    {
        using var temp = new TempDirectory();
        // Logits ln 1, ln 2, ln 4: 1/7, 2/7, 4/7 for the model's balanced prior; times 9 : 3 : 1 gives 9/19, 6/19, 4/19.
        string checkpoint = TinyCheckpoint.Write(temp.Combine("tiny.safetensors"), [0, Math.Log(2), Math.Log(4)], ["ant", "bee", "cow"], [9, 3, 1]);
        string image = ImageFolderFixture.WriteClass(temp.Combine("images"), "any", 0, 1)[0];

        var (exitCode, output, error) = Run("run", "-c", "Release", "--project", Path.Combine(Repository.Root, "examples", "Balms.Example"), "--", checkpoint, image);

        Assert.True(exitCode == 0, error + output);
        Assert.Contains("3 classes (ant, bee, cow), trained for a balanced prior", output);
        Assert.Contains($"{image} [model prior]: cow 0.571, bee 0.286, ant 0.143", output);
        Assert.Contains($"{image} [training prior]: ant 0.474, bee 0.316, cow 0.211", output);
    }

    /// <summary>dotnet with <paramref name="arguments"/>, e.g. run --project EXAMPLE -- ARGS.</summary>
    internal static (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet run of the example did not finish in 8 minutes");
        }
        return (process.ExitCode, output, error.Result);
    }
}
