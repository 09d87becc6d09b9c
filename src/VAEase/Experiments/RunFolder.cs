using System.Text.Json.Nodes;
using VAEase.IO;

namespace VAEase.Experiments;

/// <summary>The one rule of every command that trains into a folder it may find already there: a folder holding
/// the same run is reused (finished) or resumed (started); a missing or empty one is trained into; a folder
/// holding another run, or anything else, is refused and never overwritten — a run can be hours of work.</summary>
public static class RunFolder
{
    /// <summary>Whether <paramref name="dir"/> holds a run of <paramref name="wanted"/> (by the config saved in
    /// <paramref name="configFile"/>, finished or not); false when the folder is missing or empty. Throws when it
    /// holds a run of other settings (naming the first that differ) or files of no run.</summary>
    /// <param name="dir">The run's folder.</param>
    /// <param name="configFile">The file, in that folder, that holds the run's config.</param>
    /// <param name="wanted">The config of the run the caller would train.</param>
    /// <param name="what">What kind of run, for the message ("training", "GAN", ...).</param>
    /// <param name="hint">What the user can do instead.</param>
    /// <param name="normalize">Maps a config to the form in which two configs are compared (e.g. a canonical data spec).</param>
    public static bool HoldsRun<T>(string dir, string configFile, T wanted, string what, string hint = "use another --out",
        Func<T, T>? normalize = null)
    {
        normalize ??= c => c;
        string path = Path.Combine(dir, configFile);
        if (File.Exists(path))
        {
            // Both sides through the same type, so fields an older version did not write compare as their defaults.
            List<string> differences = Differences(JsonNode.Parse(Json.Serialize(normalize(Json.Read<T>(path)))),
                JsonNode.Parse(Json.Serialize(normalize(wanted))), "").ToList();
            if (differences.Count == 0) return true;
            string shown = string.Join("; ", differences.Take(3)) + (differences.Count > 3 ? $"; {differences.Count - 3} more" : "");
            throw new VAEaseException($"{dir} holds a {what} run with other settings ({shown}); {hint}, or remove that folder");
        }
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any(e => !Training.RunFiles.IsDebris(e)))
            throw new VAEaseException($"{dir} is not empty and holds no {what} run (no {configFile}); {hint}");
        return false;
    }

    /// <summary>Whether <paramref name="dir"/> holds a planned run of <paramref name="wanted"/>: its config file and nothing
    /// else, as `vaease sweep` leaves a member before it is trained. Throws as <see cref="HoldsRun{T}"/> when that config is
    /// another run's.</summary>
    public static bool IsPlanned<T>(string dir, string configFile, T wanted, string what) =>
        HoldsOnly(dir, configFile) && HoldsRun(dir, configFile, wanted, what);

    /// <summary>Whether <paramref name="dir"/> exists and holds <paramref name="file"/> and nothing else.</summary>
    public static bool HoldsOnly(string dir, string file) =>
        Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).SequenceEqual([file]);

    /// <summary>The leaves in which two JSON trees differ, as "path: saved → wanted".</summary>
    internal static IEnumerable<string> Differences(JsonNode? saved, JsonNode? wanted, string path)
    {
        if (saved is JsonObject a && wanted is JsonObject b)
        {
            foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                foreach (string d in Differences(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}"))
                    yield return d;
            yield break;
        }
        string left = saved?.ToJsonString() ?? "null", right = wanted?.ToJsonString() ?? "null";
        if (left != right) yield return $"{(path.Length == 0 ? "config" : path)}: {left} → {right}";
    }
}
