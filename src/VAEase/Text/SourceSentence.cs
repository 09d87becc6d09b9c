namespace VAEase.Text;

/// <summary>One sentence to harvest and where it came from (file and line, or corpus document and index).</summary>
public sealed record SourceSentence(string Text, string Source);
