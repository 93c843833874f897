using System.Text.Json;
using System.Text.Json.Nodes;
using Balms.Data;

namespace Balms.Reporting;

/// <summary>Typed access to the fields of one JSON file; a missing or mistyped field is an error naming file and key.</summary>
internal sealed class JsonFields
{
    private readonly string _path;

    private JsonFields(string path, JsonNode? root)
    {
        _path = path;
        Root = root;
    }

    public JsonNode? Root { get; }

    public static JsonFields Read(string path)
    {
        string text = RunFiles.ReadAllText(path);
        try
        {
            return new JsonFields(path, JsonNode.Parse(text));
        }
        catch (JsonException e)
        {
            throw new DataException($"{path} is not valid JSON (line {e.LineNumber + 1}): {e.Message.Split(" LineNumber:")[0]}", e);
        }
    }

    public JsonObject Object(JsonNode? node, string what) =>
        node as JsonObject ?? throw new DataException($"{_path}: {what} must be a JSON object");

    public double Number(JsonObject obj, string key) =>
        NullableNumber(obj, key) ?? throw new DataException($"{_path}: '{key}' is null; expected a number");

    /// <summary>A key that must be present but may be null (e.g. a shot group without classes).</summary>
    public double? NullableNumber(JsonObject obj, string key)
    {
        if (!obj.TryGetPropertyValue(key, out var node)) throw Missing(key, "a number or null");
        return node is null ? null : ToDouble(node, key);
    }

    public string? OptionalString(JsonObject obj, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public double[] Numbers(JsonNode? node, string key) =>
        Array(node, key, "an array of numbers").Select(item => ToDouble(item, key)).ToArray();

    public double?[] NullableNumbers(JsonNode? node, string key) =>
        Array(node, key, "an array of numbers or nulls").Select(item => item is null ? (double?)null : ToDouble(item, key)).ToArray();

    public long[] Integers(JsonNode? node, string key) =>
        Array(node, key, "an array of integers").Select(item => ToLong(item, key)).ToArray();

    public string[] Strings(JsonNode? node, string key) =>
        Array(node, key, "an array of strings").Select(item =>
            item is JsonValue value && value.TryGetValue(out string? text) ? text : throw Mistyped(key, "an array of strings")).ToArray();

    public long[][] IntegerRows(JsonNode? node, string key) =>
        Array(node, key, "an array of arrays of integers").Select(row => Integers(row, key)).ToArray();

    public JsonNode? Required(JsonObject obj, string key, string expected) =>
        obj.TryGetPropertyValue(key, out var node) ? node : throw Missing(key, expected);

    private JsonArray Array(JsonNode? node, string key, string expected) =>
        node as JsonArray ?? throw Mistyped(key, expected);

    private double ToDouble(JsonNode? node, string key) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : throw Mistyped(key, "a number");

    private long ToLong(JsonNode? node, string key) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long integer)
            ? integer
            : throw Mistyped(key, "an integer");

    private DataException Missing(string key, string expected) => new($"{_path} has no '{key}'; expected {expected}");

    private DataException Mistyped(string key, string expected) => new($"{_path}: '{key}' must be {expected}");
}
