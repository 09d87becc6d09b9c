using System.Text.Json.Serialization;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>What `vaease eval --json` writes, and `vaease sweep` beside each member as eval.json.</summary>
/// <param name="ModelDir">The run's folder.</param>
/// <param name="Data">The data spec evaluated.</param>
/// <param name="Split">Which rows of it, in words (<see cref="SplitOf"/>).</param>
/// <param name="Config">The run's config.</param>
/// <param name="Versions">The versions that evaluated it.</param>
/// <param name="Results">The evaluation.</param>
/// <param name="Downstream">For a model of minilm-act: its reconstructions spliced back into all-MiniLM-L6-v2.</param>
public sealed record EvalFile(string ModelDir, string Data, string Split, RunConfig Config, IReadOnlyDictionary<string, string> Versions, EvalReport Results,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DownstreamFidelity? Downstream = null)
{
    /// <summary>The file name `vaease sweep` gives it in a member's folder.</summary>
    public const string Name = "eval.json";

    /// <summary>The rows of <paramref name="spec"/> evaluated, in words: all of them, or the held-out split of the run as
    /// <see cref="Training.RunData.HeldOut"/> loads it: a streamed run's held-out blocks (the first <paramref name="rows"/>),
    /// the set's own test split when it comes with one (<see cref="DataSpec.OwnTestSplit"/>: the training split of an image
    /// set, llm-act or text-emb), else the random split.</summary>
    public static string SplitOf(RunConfig run, string spec, bool testSplit, long rows) =>
        !testSplit ? "all rows"
        : run.Stream is { } s ? $"held-out blocks ({run.Training.TestFraction:P0} of {s.BlockRows}-row blocks, seed {run.Training.Seed}), first {rows} rows"
        : DataSpec.OwnTestSplit(spec) is { } test ? $"the set's own test split ({test})"
        : $"held-out test split ({run.Training.TestFraction:P0}, seed {run.Training.Seed})";
}
