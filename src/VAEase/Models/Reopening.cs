using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>What <see cref="VariationalAutoencoder.Reopen"/> did.</summary>
/// <param name="Count">Latents reopened.</param>
/// <param name="Changed">Each changed parameter with a mask of its changed entries (owned by the caller).</param>
public sealed record Reopening(int Count, IReadOnlyList<(Parameter Parameter, Tensor Changed)> Changed);
