namespace VAEase.Evaluation;

/// <summary>One latent's strongest examples.</summary>
/// <param name="Latent">The latent dimension j.</param>
/// <param name="ActiveRows">Rows in which j is active by the per-sample variance-split rule (spec §4).</param>
/// <param name="Top">Up to k (row, code value) pairs: the active rows with the largest |code_j|, strongest first.</param>
public sealed record LatentExamples(int Latent, long ActiveRows, IReadOnlyList<(long Row, float Code)> Top);

/// <summary>Top-activating examples per latent, for reading what a latent encodes: the most often active
/// latents, each with the rows where it is active and its decoder input (<see cref="EncodedSet.Code"/>:
/// (1 - sigma) ⊙ mu for VAEase, mu for the VAE, z for SAEs) is largest in magnitude.</summary>
public static class TopActivations
{
    /// <summary>The <paramref name="latents"/> latents active in the most rows (ties: lower index first), each with its
    /// top <paramref name="k"/> rows; latents active nowhere are left out.</summary>
    public static IReadOnlyList<LatentExamples> Compute(EncodedSet encoded, int latents, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ActiveSets sets = ActiveSets.From(encoded, ActiveRule.VarianceSplit);
        int kappa = encoded.Latent;
        var counts = new long[kappa];
        for (long i = 0; i < encoded.Count; i++)
            for (int j = 0; j < kappa; j++)
                if (sets.Active[i * kappa + j]) counts[j]++;
        int[] chosen = [.. Enumerable.Range(0, kappa).Where(j => counts[j] > 0).OrderByDescending(j => counts[j]).ThenBy(j => j).Take(latents)];
        // One pass over the rows keeps a min-heap of the k strongest active rows per chosen latent.
        var heaps = chosen.ToDictionary(j => j, _ => new PriorityQueue<(long Row, float Code), (float, long)>());
        for (long i = 0; i < encoded.Count; i++)
            foreach (int j in chosen)
            {
                if (!sets.Active[i * kappa + j]) continue;
                float code = encoded.Code[i * kappa + j];
                var heap = heaps[j];
                // Priority (|code|, -row): the weakest, then the latest row, leaves first, so ties keep the earlier row.
                heap.Enqueue((i, code), (Math.Abs(code), -i));
                if (heap.Count > k) heap.Dequeue();
            }
        return [.. chosen.Select(j =>
        {
            var top = new List<(long Row, float Code)>();
            while (heaps[j].TryDequeue(out var item, out _)) top.Add(item);
            top.Reverse();
            return new LatentExamples(j, counts[j], top);
        })];
    }
}
