namespace VAEase.Export;

/// <summary>Where and how `vaease encode` writes the codes. Run-only concerns; the model and data come apart.</summary>
public sealed record EncodeOptions
{
    /// <summary>Output file: .npy (dense, plus a sibling NAME.active.npy) or .safetensors.</summary>
    public string Output { get; init; } = "";

    /// <summary>Output format; null = from the extension of <see cref="Output"/>.</summary>
    public CodeFormat? Format { get; init; }

    /// <summary>Write the codes as COO (safetensors only): the nonzero entries for SAEs, the active dims for the VAE family.</summary>
    public bool Sparse { get; init; }

    /// <summary>Rows per forward pass; null: the evaluation batch of the model (<see cref="Evaluation.Evaluator.BatchFor"/>).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public EncodeOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Output)) throw new ArgumentException("an output file is required", nameof(Output));
        if (BatchSize < 1) throw new ArgumentException($"must be >= 1, got {BatchSize}", nameof(BatchSize));
        if (Format is { } f && !Enum.IsDefined(f)) throw new ArgumentException($"unknown format {f}", nameof(Format));
        return this;
    }
}
