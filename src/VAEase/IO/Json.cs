using System.Text.Json;
using System.Text.Json.Serialization;

namespace VAEase.IO;

/// <summary>The one JSON convention of every file we write: snake_case keys, enums by their
/// documented names (`vaease`, `swish-mlp`, ...), indented.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // A null where the type says there cannot be one ({"model": null} in a config file) is a JsonException naming the
        // property, not a NullReferenceException later.
        RespectNullableAnnotations = true,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Reads a JSON file into T; malformed content becomes a VAEaseException naming the file.</summary>
    public static T Read<T>(string path)
    {
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                   ?? throw new VAEaseException($"{path}: empty JSON");
        }
        catch (JsonException e) when (e.Message.Contains("doesn't allow setting null values"))
        {
            throw new VAEaseException($"{path}: {e.Path?.TrimStart('$', '.')} must not be null", e);
        }
        catch (JsonException e)
        {
            throw new VAEaseException($"{path}: invalid JSON ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>Writes atomically: a temp file beside the target, then a rename.</summary>
    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    /// <summary>The documented name of an enum value (its JsonStringEnumMemberName).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonSerializer.Serialize(value, Options).Trim('"');

    /// <summary>Parses an enum from its documented name; unknown names list the valid ones.</summary>
    public static TEnum ParseName<TEnum>(string text, string what) where TEnum : struct, Enum
    {
        foreach (TEnum value in Enum.GetValues<TEnum>())
            if (Name(value) == text) return value;
        throw new VAEaseException($"unknown {what} '{text}' (expected one of: {string.Join(", ", Enum.GetValues<TEnum>().Select(v => Name(v)))})");
    }
}
