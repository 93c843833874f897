namespace Balms.Cli;

/// <summary>"--name value" options (repeatable) and positional arguments.</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["--json", "--resume", "--quick", "--pytorch-keys", "--softmax", "--inference"];
    private readonly Dictionary<string, List<string>> _options = new();

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
            else throw new BalmsException($"option {arg} needs a value (or is not an option: ./balms COMMAND --help lists them)");
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

    /// <summary>Rejects options the command does not know, listing the ones it does.</summary>
    public void Allow(params string[] names)
    {
        foreach (var name in _options.Keys)
            if (!names.Contains(name))
                throw new BalmsException($"unknown option {name}; valid options: {string.Join(", ", names)}");
    }
}
