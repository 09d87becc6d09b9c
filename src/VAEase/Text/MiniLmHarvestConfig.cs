namespace VAEase.Text;

/// <summary>What a MiniLM harvest takes: the layer, the size and the per-sentence token limit.</summary>
public sealed record MiniLmHarvestConfig
{
    /// <summary>Hidden state harvested per token: after block L of 6 (0 = the embeddings); 3 is the middle of the stack.</summary>
    public int Layer { get; init; } = 3;

    /// <summary>Stop after the first sentence that brings the total to this many tokens ([CLS] and [SEP] included).</summary>
    public long Tokens { get; init; } = 300_000;

    /// <summary>Longest sentence kept, in tokens with [CLS] and [SEP] (at most 512, the model's positions).</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Sentences encoded together (sorted by length within a chunk, so batches carry little padding).</summary>
    public int BatchSize { get; init; } = 32;

    public MiniLmHarvestConfig Validate()
    {
        if (Layer is < 0 or > MiniLmEncoder.Blocks) throw new VAEaseException($"--layer must be 0 to {MiniLmEncoder.Blocks}, got {Layer}");
        if (Tokens < 1) throw new VAEaseException($"--tokens must be >= 1, got {Tokens}");
        if (MaxTokens is < 3 or > WordPieceTokenizer.MaxTokens) throw new VAEaseException($"--max-tokens must be 3 to {WordPieceTokenizer.MaxTokens}, got {MaxTokens}");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be >= 1, got {BatchSize}", nameof(BatchSize));
        return this;
    }
}
