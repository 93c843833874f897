using System.Globalization;
using System.Reflection;
using System.Text;

namespace Balms.Configuration;

/// <summary>Marks a concrete options record as the variant chosen by <c>type: name</c> in the config.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConfigTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Inclusive bounds for a numeric option (the minimum excluded when <see cref="MinimumExclusive"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(double minimum, double maximum = double.MaxValue) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
    /// <summary>The value must lie above <see cref="Minimum"/>, e.g. a Beta distribution's alpha &gt; 0.</summary>
    public bool MinimumExclusive { get; init; }
}

/// <summary>
/// Binds a <see cref="ConfigMapping"/> onto typed options records: init-only properties named in snake_case in the
/// file, defaults from the record, <c>type:</c> picking a variant of an abstract options record (a registry of the
/// concrete records marked with <see cref="ConfigTypeAttribute"/>). Every error names the dotted key.
/// </summary>
public static class ConfigBinder
{
    public static T Bind<T>(ConfigMapping mapping) where T : class => (T)BindObject(typeof(T), mapping, "");

    public static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]))) builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>Concrete variants of an abstract options type, by config name.</summary>
    public static IReadOnlyDictionary<string, Type> Variants(Type abstractType) =>
        abstractType.Assembly.GetTypes()
            .Where(t => !t.IsAbstract && abstractType.IsAssignableFrom(t))
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<ConfigTypeAttribute>()))
            .Where(x => x.Attribute is not null)
            .ToDictionary(x => x.Attribute!.Name, x => x.Type);

    public static string VariantName(object options) =>
        options.GetType().GetCustomAttribute<ConfigTypeAttribute>()?.Name ?? options.GetType().Name;

    /// <summary>Writable options properties of a record type, by their config key.</summary>
    public static IEnumerable<(string Key, PropertyInfo Property)> Keys(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.Name != "EqualityContract")
            .Select(p => (SnakeCase(p.Name), p));

    private static object BindObject(Type type, ConfigNode node, string path)
    {
        if (type.IsAbstract) return BindVariant(type, node, path);
        if (node is not ConfigMapping mapping)
            throw new ConfigException($"{Describe(path)} must be a mapping of keys to values ({node.Origin})");
        object target = Activator.CreateInstance(type)
                        ?? throw new InvalidOperationException($"cannot create {type.Name}");
        var keys = Keys(type).ToDictionary(k => k.Key, k => k.Property);
        foreach (var (key, value) in mapping.Entries)
        {
            if (key == "type" && type.GetCustomAttribute<ConfigTypeAttribute>() is not null) continue;
            string keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!keys.TryGetValue(key, out var property))
                throw new ConfigException(
                    $"unknown key '{keyPath}' ({value.Origin}); valid keys{(path.Length == 0 ? "" : $" under '{path}'")}: {string.Join(", ", keys.Keys)}");
            property.SetValue(target, BindValue(property.PropertyType, value, keyPath));
            CheckRange(property, property.GetValue(target), keyPath, value.Origin);
        }
        return target;
    }

    private static object BindVariant(Type abstractType, ConfigNode node, string path)
    {
        var variants = Variants(abstractType);
        string valid = string.Join(", ", variants.Keys);
        string? name = node switch
        {
            ConfigScalar scalar => scalar.Value,
            ConfigMapping mapping => (mapping["type"] as ConfigScalar)?.Value
                                     ?? throw new ConfigException($"{Describe(path)} needs a 'type' ({node.Origin}); one of: {valid}"),
            _ => null,
        };
        // Where the type was written: the mapping's own line would blame the file for a --set of its type.
        string origin = node is ConfigMapping { } withType && withType["type"] is ConfigScalar type ? type.Origin : node.Origin;
        if (name is null || !variants.TryGetValue(name, out var concrete))
            throw new ConfigException($"{Describe(path)}: unknown type '{name}' ({origin}); valid types: {valid}");
        return node is ConfigMapping map
            ? BindObject(concrete, map, path)
            : Activator.CreateInstance(concrete)!;
    }

    private static object? BindValue(Type type, ConfigNode node, string path)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is ConfigScalar { Value: null })
        {
            if (underlying is not null || !type.IsValueType) return null;
            throw new ConfigException($"'{path}' cannot be null ({node.Origin})");
        }
        type = underlying ?? type;
        if (type == typeof(string)) return ScalarText(node, path, "a string");
        if (type == typeof(bool))
        {
            string text = ScalarText(node, path, "true or false");
            return text.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw TypeError(path, "true or false", text, node),
            };
        }
        if (type == typeof(int))
        {
            string text = ScalarText(node, path, "an integer");
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                ? value : throw TypeError(path, "an integer", text, node);
        }
        if (type == typeof(double))
        {
            string text = ScalarText(node, path, "a number");
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                ? value : throw TypeError(path, "a finite number", text, node);
        }
        if (type.IsEnum)
        {
            string text = ScalarText(node, path, "a name");
            var names = Enum.GetNames(type).ToDictionary(SnakeCase, n => n);
            return names.TryGetValue(text, out var name)
                ? Enum.Parse(type, name)
                : throw new ConfigException(
                    $"'{path}' must be one of: {string.Join(", ", names.Keys)}; got '{text}' ({node.Origin})");
        }
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            if (node is not ConfigSequence sequence) throw TypeError(path, "a list", "a single value", node);
            var array = Array.CreateInstance(element, sequence.Items.Count);
            for (int i = 0; i < sequence.Items.Count; i++)
                array.SetValue(BindValue(element, sequence.Items[i], $"{path}[{i}]"), i);
            return array;
        }
        if (type.IsClass) return BindObject(type, node, path);
        throw new InvalidOperationException($"unsupported option type {type.Name} at {path}");
    }

    private static string ScalarText(ConfigNode node, string path, string expected) =>
        node is ConfigScalar { Value: { } text } ? text : throw TypeError(path, expected, "a mapping or list", node);

    private static ConfigException TypeError(string path, string expected, string got, ConfigNode node) =>
        new($"'{path}' must be {expected}, got '{got}' ({node.Origin})");

    private static void CheckRange(PropertyInfo property, object? value, string path, string origin)
    {
        var range = property.GetCustomAttribute<RangeAttribute>();
        if (range is null || value is null) return;
        double number = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
        bool belowMinimum = range.MinimumExclusive ? number <= range.Minimum : number < range.Minimum;
        if (belowMinimum || number > range.Maximum)
        {
            string minimum = range.Minimum.ToString(CultureInfo.InvariantCulture);
            string maximum = range.Maximum.ToString(CultureInfo.InvariantCulture);
            string bounds = range.Maximum == double.MaxValue
                ? $"{(range.MinimumExclusive ? ">" : ">=")} {minimum}"
                : range.MinimumExclusive ? $"> {minimum} and <= {maximum}" : $"between {minimum} and {maximum}";
            throw new ConfigException($"'{path}' must be {bounds}, got {number.ToString(CultureInfo.InvariantCulture)} ({origin})");
        }
    }

    private static string Describe(string path) => path.Length == 0 ? "the config" : $"'{path}'";
}
