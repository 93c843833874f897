namespace Balms.Cli;

/// <summary>"--name value" options (repeatable) and positional arguments.</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["--json", "--resume", "--quick", "--pytorch-keys", "--softmax", "--inference", "--force"];
    /// <summary>Options nearer than this many edits to a valid one are taken for a misspelling of it.</summary>
    private const int MisspellingEdits = 2;
    private readonly Dictionary<string, List<string>> _options = new();
    /// <summary>An option that ends the command line without its value: a missing value, or a misspelt flag.</summary>
    private string? _lastWithoutValue;

    public List<string> Positional { get; } = [];

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Positional.Add(arg);
                continue;
            }
            string name = arg, value;
            int equals = arg.IndexOf('=');
            if (Flags.Contains(arg)) value = "true";
            else if (equals > 0 && !arg.StartsWith("--set", StringComparison.Ordinal))
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Length) value = args[++i];
            else
            {
                // Which of the two it is depends on the command's options: Allow tells.
                parsed._lastWithoutValue = arg;
                continue;
            }
            if (!parsed._options.TryGetValue(name, out var values)) parsed._options[name] = values = [];
            values.Add(value);
        }
        return parsed;
    }

    public IEnumerable<string> All(string name) => _options.GetValueOrDefault(name) ?? [];

    public string? One(string name)
    {
        var values = _options.GetValueOrDefault(name);
        if (values is { Count: > 1 }) throw new BalmsException($"option {name} given {values.Count} times; give it once");
        return values?[0];
    }

    public string Required(string name, string usage) =>
        One(name) ?? throw new BalmsException($"missing {name}; usage: ./balms {usage}");

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>
    /// Rejects options the command does not know, naming the valid one a misspelt option is closest to (or listing
    /// them all), then a valid option left without its value at the end of the line. Every command calls it first.
    /// </summary>
    public void Allow(params string[] names)
    {
        foreach (var name in _options.Keys.Append(_lastWithoutValue).OfType<string>())
            if (!names.Contains(name))
                throw new BalmsException(Closest(name, names) is { } meant
                    ? $"unknown option '{name}', did you mean {meant}?"
                    : $"unknown option '{name}'; valid options: {string.Join(", ", names)}");
        if (_lastWithoutValue is { } option) throw new BalmsException($"option {option} needs a value");
    }

    private static string? Closest(string name, IEnumerable<string> names) =>
        names.Select(valid => (Valid: valid, Edits: EditDistance(name, valid)))
            .Where(candidate => candidate.Edits <= MisspellingEdits)
            .OrderBy(candidate => candidate.Edits)
            .Select(candidate => candidate.Valid)
            .FirstOrDefault();

    /// <summary>Levenshtein distance: insertions, deletions and substitutions that turn one word into the other.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
