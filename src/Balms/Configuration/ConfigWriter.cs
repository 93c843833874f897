using System.Collections;
using System.Globalization;
using System.Text;

namespace Balms.Configuration;

/// <summary>Writes resolved options back as YAML in this toolkit's schema (the run directory's config.yaml).</summary>
public static class ConfigWriter
{
    public static string ToYaml(object options)
    {
        var builder = new StringBuilder();
        Write(builder, options, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object options, int indent)
    {
        string pad = new(' ', indent);
        if (options.GetType().BaseType is { IsAbstract: true })
            builder.Append(pad).Append("type: ").AppendLine(ConfigBinder.VariantName(options));
        foreach (var (key, property) in ConfigBinder.Keys(options.GetType()))
        {
            object? value = property.GetValue(options);
            if (value is not null && IsNested(value))
            {
                builder.Append(pad).Append(key).AppendLine(":");
                Write(builder, value, indent + 2);
            }
            else
                builder.Append(pad).Append(key).Append(": ").AppendLine(Scalar(value));
        }
    }

    private static bool IsNested(object value) =>
        value.GetType().IsClass && value is not string && value is not IEnumerable;

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s.Length == 0 || s.IndexOfAny(":#{}[],&*?|<>=!%@`'\"".ToCharArray()) >= 0 ? $"'{s.Replace("'", "''")}'" : s,
        Enum e => ConfigBinder.SnakeCase(e.ToString()),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Scalar)) + "]",
        _ => value.ToString() ?? "",
    };
}
