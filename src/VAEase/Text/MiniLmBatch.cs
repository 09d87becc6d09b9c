using static TorchSharp.torch;

namespace VAEase.Text;

/// <summary>Token id lists padded into one batch for <see cref="MiniLmEncoder"/>.</summary>
public static class MiniLmBatch
{
    /// <summary>ids [B, T] (int64, [PAD] = 0 after each list's end) and the attention mask [B, T] (1 on tokens, 0 on
    /// padding), T the longest list's length.</summary>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<long[]> lists)
    {
        if (lists.Count == 0) throw new ArgumentException("no token lists", nameof(lists));
        int t = lists.Max(l => l.Length);
        var ids = new long[lists.Count * t];
        var mask = new long[lists.Count * t];
        for (int b = 0; b < lists.Count; b++)
        {
            lists[b].CopyTo(ids, b * t);
            Array.Fill(mask, 1L, b * t, lists[b].Length);
        }
        return (tensor(ids, [lists.Count, t]), tensor(mask, [lists.Count, t]));
    }
}
