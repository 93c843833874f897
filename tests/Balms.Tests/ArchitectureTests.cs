using System.Text.RegularExpressions;
using Balms.Tests.Fixtures;

namespace Balms.Tests;

/// <summary>
/// The library's namespaces depend one way (docs/architecture.md): Configuration at the bottom, then the building
/// blocks, then Training, then Inference and Benchmarks; the CLI on top of all. A reference against that direction
/// is found in the source, by a using directive or a qualified name.
/// </summary>
public class ArchitectureTests
{
    private static readonly string[] Above = ["Training", "Inference", "Benchmarks"];

    public static TheoryData<string, string[]> Layers => new()
    {
        { "Configuration", ["Data", "Models", "Losses", "Sampling", "Evaluation", "Reporting", .. Above] },
        { "Models", Above },
        { "Losses", Above },
        { "Sampling", Above },
        { "Data", ["Sampling", .. Above] },
        { "Evaluation", Above },
        { "Reporting", Above },
        { "Training", ["Inference", "Benchmarks"] },
        { "Inference", ["Benchmarks"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ANamespaceUsesNothingAboveIt(string layer, string[] forbidden)
    {
        var offending = References(Path.Combine(Repository.Root, "src", "Balms", layer), [.. forbidden, "Cli"]).ToList();

        Assert.True(offending.Count == 0, $"{layer} depends on what is above it:\n{string.Join("\n", offending)}");
    }

    [Fact]
    public void TheCheckFindsAUsingAndAQualifiedName()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.Combine("A.cs"), "using Balms.Training;\nclass A { }\n");
        File.WriteAllText(folder.Combine("B.cs"), "class B { string K() => Inference.PredictionTransform.Key(options.Training.Loss); } // Training.X in a comment\n");

        var found = References(folder.Path, ["Training", "Inference"]).ToList();

        Assert.Equal(2, found.Count);
        Assert.Contains(found, line => line.Contains("A.cs:1"));
        Assert.Contains(found, line => line.Contains("B.cs:1"));
    }

    private static IEnumerable<string> References(string folder, string[] namespaces)
    {
        var pattern = new Regex($@"^\s*using\s+(static\s+)?Balms\.({string.Join('|', namespaces)})\b|(?<![\w.])(Balms\.)?({string.Join('|', namespaces)})\.[A-Z]\w*");
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
            int number = 0;
            foreach (string line in File.ReadLines(file))
            {
                number++;
                string code = line.Split("//")[0];
                if (pattern.IsMatch(code)) yield return $"{Path.GetFileName(file)}:{number}: {line.Trim()}";
            }
        }
    }
}
