using VAEase.Models;

namespace VAEase.Export;

/// <summary>The VAEase model an export came from.</summary>
/// <param name="Version">The vaease version that wrote the export.</param>
/// <param name="Model">The exported model's config.</param>
public sealed record SaeLensProvenance(string Version, ModelConfig Model);
