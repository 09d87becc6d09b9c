using TorchSharp;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>Seeded synthetic unions of manifolds (IMPLEMENTATION.md §3): a union of linear
/// subspaces and a union of LeakyReLU-MLP manifolds, both with any number of pieces, any
/// piece dims and any ambient d. Labels are the piece index 0..P-1.</summary>
/// <remarks>All randomness comes from one <see cref="Generator"/> seeded with the seed, drawn
/// in a fixed order, so the same arguments give bit-identical data. Rows are generated in
/// chunks of <see cref="ChunkRows"/> so peak memory stays about the size of X
/// (n = 800 000, d = 100 is 320 MB).</remarks>
public static class SyntheticUnion
{
    /// <summary>Rows generated per chunk. Part of the draw order: changing it changes the data.</summary>
    internal const int ChunkRows = 65_536;

    /// <summary>The union of linear subspaces: x = A (1_{S_i} ⊙ z), z ~ N(0, I_d), A a d x d
    /// standard Gaussian matrix (not orthogonalised, as the authors do), piece i picked
    /// uniformly per point. No noise.</summary>
    /// <remarks>Draw order: A [d, d]; the index sets (one randperm(d) shared by disjoint sets
    /// when sum(dims) ≤ d, else one randperm(d) per piece); labels [n]; z [m, d] per chunk.</remarks>
    public static Dataset LinearUnion(int d, int[] dims, long n, long seed)
    {
        var x = empty([n, d], ScalarType.Float32);
        try
        {
            long[] labels = LinearUnionChunks(d, dims, n, seed, (start, rows) =>
            {
                using var slot = x.narrow(0, start, rows.shape[0]);
                slot.copy_(rows);
            });
            return new Dataset(x, labels, SpecName("linear", d, dims, n, seed));
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>Writes the rows of <see cref="LinearUnion"/> (bit-identical) to a .npy file [n, d] &lt;f4 chunk by
    /// chunk, so a set larger than memory can be made; returns the labels.</summary>
    public static long[] WriteLinearUnion(string path, int d, int[] dims, long n, long seed)
    {
        long[] labels = [];
        NpyReader.WriteMatrix(path, n, d, stream => labels = LinearUnionChunks(d, dims, n, seed, (_, rows) => stream.Write(rows.bytes)));
        return labels;
    }

    /// <summary>Generates the linear union chunk by chunk, passing (first row, rows [m, d]) to <paramref name="chunk"/>; returns the labels.</summary>
    private static long[] LinearUnionChunks(int d, int[] dims, long n, long seed, Action<long, Tensor> chunk)
    {
        Validate(d, dims, n);
        int pieces = dims.Length;
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);

        var a = randn([d, d], generator: g);                        // [d, d]
        var masks = IndexSetMasks(d, dims, g);                      // [P, d], rows are 1_{S_i}
        var labels = randint(pieces, [n], dtype: ScalarType.Int64, generator: g); // [n]

        for (long start = 0; start < n; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            long m = Math.Min(ChunkRows, n - start);
            var z = randn([m, d], generator: g);                   // [m, d]
            var gate = masks.index_select(0, labels.narrow(0, start, m));
            // Row form of x = A (1_S ⊙ z): x^T = (1_S ⊙ z)^T A^T.
            chunk(start, matmul(z.mul_(gate), a.t()));
        }
        return labels.data<long>().ToArray();
    }

    /// <summary>The union of nonlinear manifolds: for a piece of dim r, z ~ N(0, I_r) and
    /// x = LeakyReLU_0.2(z A + a) B + b with A [r, r], a [r], B [r, d], b [d] standard Gaussian.
    /// Equal counts per piece (remainder to the first pieces), rows shuffled.</summary>
    /// <remarks>Draw order: (A, a, B, b) for each piece in turn; the row permutation
    /// randperm(n); then z [m, r] per chunk, piece by piece. Row j of the unshuffled data
    /// (pieces stacked in order) lands at row perm[j], so no second copy of X is needed.</remarks>
    public static Dataset MlpUnion(int d, int[] dims, long n, long seed)
    {
        Validate(d, dims, n);
        int pieces = dims.Length;
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);

        var weights = new (Tensor A, Tensor a, Tensor B, Tensor b)[pieces];
        for (int i = 0; i < pieces; i++)
        {
            int r = dims[i];
            weights[i] = (randn([r, r], generator: g), randn([r], generator: g),
                          randn([r, d], generator: g), randn([d], generator: g));
        }
        var perm = randperm(n, generator: g);                       // [n]

        var x = empty([n, d], ScalarType.Float32);
        var labels = empty([n], ScalarType.Int64);
        long offset = 0;
        for (int i = 0; i < pieces; i++)
        {
            long count = PieceCount(n, pieces, i);
            var (A, a, B, b) = weights[i];
            for (long start = 0; start < count; start += ChunkRows)
            {
                using var chunkScope = NewDisposeScope();
                long m = Math.Min(ChunkRows, count - start);
                var z = randn([m, dims[i]], generator: g);         // [m, r]
                var h = nn.functional.leaky_relu(matmul(z, A).add_(a), 0.2); // [m, r]
                var rows = perm.narrow(0, offset + start, m);
                x.index_copy_(0, rows, matmul(h, B).add_(b));      // [m, d] into shuffled rows
                labels.index_fill_(0, rows, i);
            }
            offset += count;
        }

        long[] labelArray = labels.data<long>().ToArray();
        return new Dataset(x.MoveToOuterDisposeScope(), labelArray, SpecName("mlp", d, dims, n, seed));
    }

    /// <summary>Rows of piece i when n rows are split equally over the pieces, the remainder
    /// going one each to the first pieces.</summary>
    internal static long PieceCount(long n, int pieces, int i) => n / pieces + (i < n % pieces ? 1 : 0);

    /// <summary>Checks the arguments both generators share; the message names the bad one.</summary>
    internal static void Validate(int d, int[] dims, long n)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (d < 1) throw new VAEaseException($"ambient dimension d must be >= 1, got {d}");
        if (dims.Length == 0) throw new VAEaseException("dims must list at least one piece");
        for (int i = 0; i < dims.Length; i++)
            if (dims[i] < 1 || dims[i] > d)
                throw new VAEaseException($"dims: piece {i} has dimension {dims[i]}, which must be in [1, d={d}]");
        if (n < dims.Length)
            throw new VAEaseException($"n={n} is smaller than the number of pieces ({dims.Length})");
    }

    /// <summary>The canonical data spec of a generated set, used as its <see cref="Dataset.Name"/>.</summary>
    internal static string SpecName(string kind, int d, int[] dims, long n, long seed) =>
        $"{kind}:d={d},dims={string.Join('+', dims)},n={n},seed={seed}";

    /// <summary>[P, d] float 0/1 masks, row i the indicator of S_i: disjoint slices of one
    /// permutation when the pieces fit in d coordinates, else an independent draw per piece.</summary>
    private static Tensor IndexSetMasks(int d, int[] dims, Generator g)
    {
        var masks = zeros([dims.Length, d], ScalarType.Float32);
        bool disjoint = dims.Sum(r => (long)r) <= d;
        var shared = disjoint ? randperm(d, generator: g) : null;
        long offset = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            var set = disjoint ? shared!.narrow(0, offset, dims[i]) : randperm(d, generator: g).narrow(0, 0, dims[i]);
            masks[i].index_fill_(0, set, 1.0f);
            offset += dims[i];
        }
        return masks;
    }
}
