using System.Reflection;
using System.Text.RegularExpressions;
using Balms.Tests.Cli;
using Balms.Tests.Fixtures;

namespace Balms.Tests;

/// <summary>docs/bad-inputs.md, the catalogue of bad inputs and their errors, names the tests that check them.</summary>
public class BadInputCatalogueTests
{
    private static readonly string Catalogue = File.ReadAllText(Path.Combine(Repository.Root, "docs", "bad-inputs.md"));

    private static IEnumerable<(string Class, string Method)> NamedTests() =>
        Regex.Matches(Catalogue, @"`([A-Z]\w*Tests)\.([A-Z]\w*)`").Select(match => (match.Groups[1].Value, match.Groups[2].Value));

    [Fact]
    public void EveryTestTheCatalogueNamesExists()
    {
        var tests = typeof(BadInputCatalogueTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods().Where(IsTest).Select(method => (type.Name, method.Name)))
            .ToHashSet();

        var missing = NamedTests().Where(named => !tests.Contains(named)).ToList();

        Assert.NotEmpty(NamedTests());
        Assert.True(missing.Count == 0, "docs/bad-inputs.md names tests that do not exist: " + string.Join(", ", missing.Select(t => $"{t.Class}.{t.Method}")));
    }

    [Fact]
    public void EveryBadInputTestIsInTheCatalogue()
    {
        var named = NamedTests().ToHashSet();

        var missing = typeof(BadInputTests).GetMethods().Where(IsTest).Select(method => method.Name)
            .Where(method => !named.Contains((nameof(BadInputTests), method))).ToList();

        Assert.True(missing.Count == 0, "add these BadInputTests to docs/bad-inputs.md: " + string.Join(", ", missing));
    }

    private static bool IsTest(MethodInfo method) =>
        method.GetCustomAttributes<FactAttribute>().Any();
}
