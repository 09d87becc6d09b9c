using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>One run of a sweep: a family at one value of its knob, trained into DIR/&lt;family&gt;/&lt;knob&gt;=&lt;value&gt;.</summary>
/// <param name="Kind">The family.</param>
/// <param name="Knob">What the sweep varies in it: k (SAE-TopK, SAE-BatchTopK), l1 (lambda1 of SAE-l1, SAE-log), l0 (lambda of
/// SAE-JumpReLU) or seed (VAEase, VAE).</param>
/// <param name="Value">The knob's value.</param>
/// <param name="Run">The run's config (config.json).</param>
public sealed record SweepMember(ModelKind Kind, string Knob, double Value, RunConfig Run)
{
    /// <summary>The family's name: vaease, sae-topk, ...</summary>
    public string Family => Json.Name(Kind);

    /// <summary>The member's folder below the sweep's: &lt;family&gt;/&lt;knob&gt;=&lt;value&gt;.</summary>
    public string Folder => Path.Combine(Family, $"{Knob}={Ladder.Format(Value)}");

    /// <summary>The member of a run's config: its family, and the knob the sweep varies in that family.</summary>
    public static SweepMember Of(RunConfig run) => run.Model.Kind switch
    {
        ModelKind.SaeTopK or ModelKind.SaeBatchTopK => new(run.Model.Kind, "k", run.Model.TopK, run),
        ModelKind.SaeL1 or ModelKind.SaeLog => new(run.Model.Kind, "l1", run.Model.L1, run),
        ModelKind.SaeJumpRelu => new(run.Model.Kind, "l0", run.Model.L0, run),
        _ => new(run.Model.Kind, "seed", run.Training.Seed, run),
    };
}

/// <summary>Where a member stands on disk.</summary>
public enum MemberState
{
    /// <summary>Its folder holds its config.json only: to be trained from the start.</summary>
    Planned,

    /// <summary>Training has begun (a checkpoint or other files beside config.json): to be resumed.</summary>
    Started,

    /// <summary>Trained: model.safetensors and metrics.json are there.</summary>
    Finished,
}

/// <summary>A member with its folder and where it stands.</summary>
public sealed record MemberStatus(SweepMember Member, string Dir, MemberState State);
