namespace VAEase.IO;

/// <summary>The inputs of one command, against which every path it is about to write is checked, so that no output
/// replaces what the command reads: an output may not be an input file, nor lie inside an input folder (a folder of
/// shards: any file added there would join the data), nor be a file of a model folder (one that is there, or one of the
/// names its run writes: a new report beside the model is fine), and two outputs may not be one file. Paths compare
/// after symbolic links are resolved (<see cref="RealPath"/>). Every check runs before the command does any work.</summary>
public sealed class OutputGuard
{
    private readonly List<Place> inputs = [];
    private readonly List<Place> outputs = [];

    /// <summary>A path as the user gave it, its real path, what it is for the message ("the --data file"), and for a
    /// model folder, the names (first path components inside it) that its run writes.</summary>
    private sealed record Place(string Given, string Real, string What, bool IsFolder, Func<string, bool>? RunWrites = null);

    /// <summary>An input file, e.g. ("data.npy", "the --data file").</summary>
    public OutputGuard InputFile(string path, string what)
    {
        inputs.Add(new Place(path, RealPath.Of(path), what, IsFolder: false));
        return this;
    }

    /// <summary>An input folder, every file in which (at any depth) is an input, e.g. ("shards", "the --data folder").</summary>
    public OutputGuard InputFolder(string dir, string what)
    {
        inputs.Add(new Place(dir, RealPath.Of(dir), what, IsFolder: true));
        return this;
    }

    /// <summary>A model or run folder: its inputs are the files in it, and every path under a name its run writes
    /// (<paramref name="runWrites"/>: config.json, model.safetensors, checkpoint, ...), there yet or not.</summary>
    public OutputGuard ModelFolder(string dir, string what, Func<string, bool> runWrites)
    {
        inputs.Add(new Place(dir, RealPath.Of(dir), what, IsFolder: true, runWrites));
        return this;
    }

    /// <summary>Input files and folders as (path, is a folder) pairs that the option <paramref name="option"/> names
    /// ("the --data file", "the --data folder").</summary>
    public OutputGuard Inputs(IEnumerable<(string Path, bool IsFolder)> paths, string option)
    {
        foreach (var (path, isFolder) in paths)
            if (isFolder) InputFolder(path, $"the {option} folder");
            else InputFile(path, $"the {option} file");
        return this;
    }

    /// <summary>Checks a file the command will write (<paramref name="option"/> names where it came from, e.g. "--json").</summary>
    public OutputGuard Output(string path, string option)
    {
        Check(new Place(path, RealPath.Of(path), option, IsFolder: false));
        return Directory.Exists(path) ? throw new VAEaseException($"{option} {path} is a folder; name the file to write") : this;
    }

    /// <summary>Checks a folder the command will write into.</summary>
    public OutputGuard OutputFolder(string dir, string option)
    {
        Check(new Place(dir, RealPath.Of(dir), option, IsFolder: true));
        return File.Exists(dir) ? throw new VAEaseException($"{option} {dir} is a file; name a folder to write into") : this;
    }

    private OutputGuard Check(Place output)
    {
        foreach (Place input in inputs)
        {
            if (output.Real == input.Real)
                throw new VAEaseException($"{output.What} {output.Given} is {input.What}{Linked(output)}; writing it would replace the input (choose another path)");
            if (!input.IsFolder || !RealPath.IsInside(output.Real, input.Real)) continue;
            if (input.RunWrites is null)
                throw new VAEaseException($"{output.What} {output.Given} lies inside {input.What} {input.Given}{Linked(output)}, whose files it could replace; write it elsewhere");
            string name = Path.GetRelativePath(input.Real, output.Real).Split(Path.DirectorySeparatorChar)[0];
            if (File.Exists(output.Real) || Directory.Exists(output.Real) || input.RunWrites(name))
                throw new VAEaseException($"{output.What} {output.Given} is a file of {input.What} {input.Given}{Linked(output)}, which it would replace; write it elsewhere");
        }
        if (outputs.FirstOrDefault(other => other.Real == output.Real) is { } same)
            throw new VAEaseException($"{output.What} {output.Given} is also written by {same.What} ({same.Given}); give them different paths");
        outputs.Add(output);
        return this;
    }

    /// <summary>Where a path leads when a symbolic link takes it somewhere else than it reads.</summary>
    private static string Linked(Place place) => place.Real == Path.TrimEndingDirectorySeparator(Path.GetFullPath(place.Given)) ? "" : $" (through a symbolic link: {place.Real})";
}
