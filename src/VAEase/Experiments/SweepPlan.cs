using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>The grid of a sweep and its folders. Every family takes its recipe (<see cref="Recipes.For"/>) with one knob
/// moved along a geometric ladder around the recipe's value: k of SAE-TopK and SAE-BatchTopK around the recipe's k (the
/// largest manifold's dimension on a union: the data's scale) by factors of sqrt 2 (2 with --quick), lambda1 of SAE-l1 and
/// SAE-log and lambda of SAE-JumpReLU around the recipe's by factors of sqrt 10 (10 with --quick). VAEase and the VAE have
/// no sparsity knob (their gamma is anchored, so not even its start matters): one member per seed.</summary>
public static class SweepPlan
{
    /// <summary>Steps either side of the recipe's value: 4 for k (9 values), 3 for the penalties (7); 1 (3 values) with --quick.</summary>
    public static (double Ratio, int Steps) KLadder(bool quick) => quick ? (2, 1) : (Math.Sqrt(2), 4);

    /// <summary>The ladder of the penalty weights.</summary>
    public static (double Ratio, int Steps) PenaltyLadder(bool quick) => quick ? (10, 1) : (Math.Sqrt(10), 3);

    /// <summary>The members of the sweep, family by family in <see cref="SweepConfig.Models"/> order, each ladder rising.</summary>
    public static IReadOnlyList<SweepMember> Members(SweepConfig sweep)
    {
        sweep.Validate();
        // The canonical spec (files by absolute path), so that a job line runs from any folder; a bad spec fails here, once.
        sweep = sweep with { Data = DataSpec.Canonical(sweep.Data) };
        var members = new List<SweepMember>();
        foreach (ModelKind kind in sweep.Models)
        {
            RunConfig recipe = Recipe(kind, sweep);
            ModelConfig m = recipe.Model;
            var (kRatio, kSteps) = KLadder(sweep.Quick);
            var (pRatio, pSteps) = PenaltyLadder(sweep.Quick);
            IEnumerable<RunConfig> runs = kind switch
            {
                ModelKind.SaeTopK or ModelKind.SaeBatchTopK =>
                    Ladder.Whole(m.TopK, kRatio, kSteps, 1, m.Latent).Select(k => recipe with { Model = m with { TopK = k } }),
                ModelKind.SaeL1 or ModelKind.SaeLog =>
                    Ladder.Geometric(m.L1, pRatio, pSteps).Select(l1 => recipe with { Model = m with { L1 = l1 } }),
                ModelKind.SaeJumpRelu =>
                    Ladder.Geometric(m.L0, pRatio, pSteps).Select(l0 => recipe with { Model = m with { L0 = l0 } }),
                _ => sweep.Seeds.Select(seed => recipe with { Training = recipe.Training with { Seed = seed } }),
            };
            members.AddRange(runs.Select(run => SweepMember.Of(run.Validate())));
        }
        return members;
    }

    /// <summary>The family's recipe on the sweep's data at the first seed, with the sweep's epochs (a quick sweep: one cosine
    /// cycle over <see cref="SweepConfig.QuickEpochs"/>).</summary>
    private static RunConfig Recipe(ModelKind kind, SweepConfig sweep)
    {
        RunConfig recipe = Recipes.For(kind, sweep.Data);
        TrainConfig t = recipe.Training with { Seed = sweep.Seeds[0] };
        if (sweep.Quick) t = t with { Epochs = SweepConfig.QuickEpochs, RestartPeriod = 0 };
        if (sweep.Epochs is { } epochs) t = t with { Epochs = epochs };
        return recipe with { Training = t };
    }

    /// <summary>Gives every member its folder below <paramref name="root"/>: a missing or empty one receives the member's
    /// config.json (planned); one that holds the same run is left as it is, finished or started; one that holds another run,
    /// or files of none, is refused (<see cref="RunFolder"/>) before anything is written.</summary>
    public static IReadOnlyList<MemberStatus> Prepare(string root, IReadOnlyList<SweepMember> members)
    {
        string hint = "give the sweep another -o";
        var found = members.Select(m => (Member: m, Dir: Path.Combine(root, m.Folder))).Select(x =>
            (x.Member, x.Dir, Holds: RunFolder.HoldsRun(x.Dir, ModelStore.ConfigFile, x.Member.Run, "training", hint))).ToList();
        var statuses = new List<MemberStatus>();
        foreach (var (member, dir, holds) in found)
        {
            if (!holds)
            {
                Directory.CreateDirectory(dir);
                Json.Write(Path.Combine(dir, ModelStore.ConfigFile), member.Run);
            }
            statuses.Add(new MemberStatus(member, dir, StateOf(dir)));
        }
        return statuses;
    }

    /// <summary>Where the run in <paramref name="dir"/> (holding its config.json) stands.</summary>
    public static MemberState StateOf(string dir) =>
        ExperimentRun.IsFinished(dir) ? MemberState.Finished
        : RunFolder.HoldsOnly(dir, ModelStore.ConfigFile) ? MemberState.Planned
        : MemberState.Started;
}
