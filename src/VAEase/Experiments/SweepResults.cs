namespace VAEase.Experiments;

/// <summary>One finished member of a sweep as results.json lists it (held-out split, L0 and FVU as defined there).</summary>
/// <param name="Family">vaease, vae, sae-topk, ...</param>
/// <param name="Knob">k, l1, l0 or seed (see <see cref="SweepMember"/>).</param>
/// <param name="Value">The knob's value.</param>
/// <param name="Seed">The training seed.</param>
/// <param name="Folder">Its folder below the sweep's.</param>
/// <param name="L0">Mean code entries in use per sample.</param>
/// <param name="Fvu">Fraction of variance unexplained.</param>
/// <param name="Ad">Mean active dims per sample (variance-split rule).</param>
/// <param name="DeadFraction">Fraction of latents in use on no sample.</param>
/// <param name="DenseFraction">Fraction of latents in use on more than 10% of the samples.</param>
/// <param name="Seconds">Training time.</param>
/// <param name="Steps">Optimiser steps.</param>
public sealed record SweepRow(string Family, string Knob, double Value, long Seed, string Folder, double L0, double Fvu, double Ad,
    double DeadFraction, double DenseFraction, double Seconds, long Steps);

/// <summary>What `vaease sweep` gathers from its folders (results.json).</summary>
/// <param name="Data">The data specs of the members (one for a sweep's own folders).</param>
/// <param name="FvuDefinition">What FVU is.</param>
/// <param name="L0Definitions">What L0 counts, per family (the SAEs' nonzeros, the VAE family's active dims).</param>
/// <param name="Vaease">VAEase's point, the mean L0 and FVU over its seeds; null without a finished VAEase member.</param>
/// <param name="VaeaseSeeds">How many seeds that mean is over.</param>
/// <param name="Gap">Each swept SAE family against VAEase's point (empty without one).</param>
/// <param name="Members">The finished members, family by family, each family's knob rising.</param>
/// <param name="Unfinished">Folders of members not yet trained.</param>
public sealed record SweepResults(IReadOnlyList<string> Data, string FvuDefinition, IReadOnlyDictionary<string, string> L0Definitions,
    FrontierPoint? Vaease, int VaeaseSeeds, IReadOnlyList<FrontierGapRow> Gap, IReadOnlyList<SweepRow> Members, IReadOnlyList<string> Unfinished);
