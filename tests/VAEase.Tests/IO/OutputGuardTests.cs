using VAEase.IO;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.IO;

/// <summary>Outputs are compared with inputs by their real paths: a link to a file is that file, a path through a linked
/// folder is inside that folder, and a folder whose name merely starts like another's is not inside it.</summary>
public sealed class OutputGuardTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>A file of the test's folder, with its folders.</summary>
    private string Touch(string name)
    {
        string path = folder.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        return path;
    }

    [Fact]
    public void Links_to_files_and_folders_resolve_to_their_targets_relative_or_absolute_and_chained()
    {
        string data = Touch("data/x.npy");
        File.CreateSymbolicLink(Path.Combine(folder.Path, "a.npy"), "data/x.npy");              // relative to the link's folder
        File.CreateSymbolicLink(Path.Combine(folder.Path, "b.npy"), Path.Combine(folder.Path, "a.npy")); // a link to a link
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "d"), Path.Combine(folder.Path, "data"));

        Assert.Equal(data, RealPath.Of(Path.Combine(folder.Path, "b.npy")));
        Assert.Equal(data, RealPath.Of(Path.Combine(folder.Path, "d", "x.npy")));
        Assert.Equal(Path.Combine(folder.Path, "data", "new.npy"), RealPath.Of(Path.Combine(folder.Path, "d", "new.npy")));
        Assert.Equal(Path.Combine(folder.Path, "missing", "x"), RealPath.Of(Path.Combine(folder.Path, "missing", "..", "missing", "x")));
    }

    [Fact]
    public void A_loop_of_links_is_an_error_not_a_hang()
    {
        File.CreateSymbolicLink(Path.Combine(folder.Path, "p"), Path.Combine(folder.Path, "q"));
        File.CreateSymbolicLink(Path.Combine(folder.Path, "q"), Path.Combine(folder.Path, "p"));
        Assert.Contains("too many levels of symbolic links", Assert.Throws<VAEaseException>(() => RealPath.Of(Path.Combine(folder.Path, "p"))).Message);
    }

    [Fact]
    public void An_output_is_refused_when_it_is_an_input_lies_in_an_input_folder_or_repeats_another_output()
    {
        string data = Touch("x.npy"), model = Path.GetDirectoryName(Touch("model/model.safetensors"))!;
        File.CreateSymbolicLink(Path.Combine(folder.Path, "link.npy"), data);
        OutputGuard Guard() => new OutputGuard().InputFile(data, "the --data file").InputFolder(model, "the model folder");

        Assert.Contains("is the --data file (through a symbolic link", Assert.Throws<VAEaseException>(() => Guard().Output(Path.Combine(folder.Path, "link.npy"), "--out")).Message);
        Assert.Contains("lies inside the model folder", Assert.Throws<VAEaseException>(() => Guard().Output(Path.Combine(model, "sub", "c.npy"), "--out")).Message);
        Assert.Contains("is the model folder", Assert.Throws<VAEaseException>(() => Guard().OutputFolder(model + "/", "--out")).Message);
        Assert.Contains("is also written by --out", Assert.Throws<VAEaseException>(() => Guard().Output(Path.Combine(folder.Path, "c.npy"), "--out").Output(Path.Combine(folder.Path, ".", "c.npy"), "--json")).Message);
        Guard().Output(Path.Combine(folder.Path, "model2", "c.npy"), "--out").Output(Path.Combine(folder.Path, "c.npy"), "--json").OutputFolder(Path.Combine(folder.Path, "export"), "--out");
    }

    [Fact]
    public void In_a_model_folder_its_files_and_the_names_its_run_writes_are_refused_and_a_new_report_beside_them_is_not()
    {
        string model = Path.GetDirectoryName(Touch("model/model.safetensors"))!;
        Touch("model/notes/a.txt");
        OutputGuard Guard() => new OutputGuard().ModelFolder(model, "the model folder", name => name is "metrics.json" or "checkpoint");

        foreach (string taken in new[] { "model.safetensors", "notes/a.txt", "metrics.json", "checkpoint/state.json" })
            Assert.Contains("is a file of the model folder", Assert.Throws<VAEaseException>(() => Guard().Output(Path.Combine(model, taken), "--json")).Message);
        Guard().Output(Path.Combine(model, "eval.json"), "--json").Output(Path.Combine(model, "notes", "b.txt"), "--plot");
    }
}
