using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Balms.Configuration;

/// <summary>
/// A YAML document as a mutable tree of mappings, sequences and scalars that remembers where each value came from,
/// so that binding errors can name the key, the line and the column.
/// </summary>
public abstract class ConfigNode
{
    public string Origin { get; init; } = "";

    public static ConfigMapping ParseYaml(string text, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigException(
                $"{fileName}: malformed YAML at line {e.Start.Line}, column {e.Start.Column}: {FirstLine(e.Message)}");
        }
        if (stream.Documents.Count == 0) return new ConfigMapping { Origin = fileName };
        var root = Convert(stream.Documents[0].RootNode, fileName);
        return root as ConfigMapping
               ?? throw new ConfigException($"{fileName}: the top level must be a mapping of keys to values");
    }

    private static string FirstLine(string message)
    {
        string line = message.Split('\n')[0].Trim();
        int tail = line.IndexOf("): ", StringComparison.Ordinal);
        return tail >= 0 ? line[(tail + 3)..] : line;
    }

    private static ConfigNode Convert(YamlNode node, string fileName)
    {
        string origin = $"{fileName} line {node.Start.Line}, column {node.Start.Column}";
        switch (node)
        {
            case YamlMappingNode mapping:
                var result = new ConfigMapping { Origin = origin };
                foreach (var (key, value) in mapping.Children)
                {
                    string name = ((YamlScalarNode)key).Value ?? "";
                    if (result.Entries.ContainsKey(name))
                        throw new ConfigException($"{fileName} line {key.Start.Line}: duplicate key '{name}'");
                    result.Entries[name] = Convert(value, fileName);
                }
                return result;
            case YamlSequenceNode sequence:
                return new ConfigSequence
                {
                    Origin = origin, Items = sequence.Children.Select(child => Convert(child, fileName)).ToList(),
                };
            case YamlScalarNode scalar:
                bool isNull = scalar.Style == ScalarStyle.Plain &&
                              (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");
                return new ConfigScalar { Origin = origin, Value = isNull ? null : scalar.Value };
            default:
                throw new ConfigException($"{origin}: unsupported YAML node");
        }
    }
}

public sealed class ConfigMapping : ConfigNode
{
    public Dictionary<string, ConfigNode> Entries { get; } = new(StringComparer.Ordinal);

    public ConfigNode? this[string key] => Entries.GetValueOrDefault(key);

    /// <summary>Sets a value by dotted path (a.b.c), creating intermediate mappings. Used by --set.</summary>
    public void SetPath(string dottedPath, ConfigNode value)
    {
        string[] parts = dottedPath.Split('.');
        var mapping = this;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (mapping.Entries.TryGetValue(parts[i], out var child) && child is ConfigMapping childMapping)
            {
                mapping = childMapping;
                continue;
            }
            var created = new ConfigMapping { Origin = "--set" };
            mapping.Entries[parts[i]] = created;
            mapping = created;
        }
        mapping.Entries[parts[^1]] = value;
    }
}

public sealed class ConfigSequence : ConfigNode
{
    public List<ConfigNode> Items { get; init; } = [];
}

public sealed class ConfigScalar : ConfigNode
{
    public string? Value { get; init; }
}
