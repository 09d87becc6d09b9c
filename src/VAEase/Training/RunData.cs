using VAEase.Data;

namespace VAEase.Training;

/// <summary>The data of a run, opened once: the training batches (in memory, or streamed from disk when the run
/// has a <see cref="StreamConfig"/>), the normalisation fitted on the training rows, and the held-out split.</summary>
public sealed class RunData : IDisposable
{
    private readonly Dataset? train;
    private readonly MappedMatrix? matrix;
    private readonly RunConfig run;
    private readonly long[] testBlocks = [];
    private Dataset? test;

    private RunData(RunConfig run, IBatchSource batches, Normalization? normalization, long testCount,
        Dataset? train = null, Dataset? test = null, MappedMatrix? matrix = null, long[]? testBlocks = null)
    {
        this.run = run;
        Train = batches;
        Normalization = normalization;
        TestCount = testCount;
        this.train = train;
        this.test = test;
        this.matrix = matrix;
        this.testBlocks = testBlocks ?? [];
    }

    /// <summary>The training rows, batch by batch.</summary>
    public IBatchSource Train { get; }

    /// <summary>The statistics applied to every row, or null.</summary>
    public Normalization? Normalization { get; }

    /// <summary>Rows of the held-out split that <see cref="Test"/> evaluates.</summary>
    public long TestCount { get; }

    /// <summary>Opens the run's data. With normalisation, the statistics are read from <paramref name="outDir"/> when
    /// it has them (a resumed run), else computed from the training rows in one pass and saved there.</summary>
    public static RunData Open(RunConfig run, string? outDir)
    {
        run.Stream?.Validate();
        if (run.Stream is { } stream) return OpenStreamed(run, stream, outDir);
        var (train, test) = DataSpec.LoadTrainTest(run.Data, run.Training.TestFraction, run.Training.Seed);
        try
        {
            Normalization? normalization = Fit(run, outDir, train.Dim, () => Normalization.Of(run.Normalize, train.X));
            if (normalization is not null)
            {
                normalization.Apply(train.X);
                normalization.Apply(test.X);
            }
            return new RunData(run, new InMemoryBatches(train), normalization, test.Count, train, test);
        }
        catch
        {
            train.Dispose();
            test.Dispose();
            throw;
        }
    }

    /// <summary>The held-out split evaluated (normalised): the in-memory split, or the streamed run's first
    /// <see cref="StreamConfig.EvalRows"/> held-out rows, read now and kept.</summary>
    public Dataset Test()
    {
        if (test is not null) return test;
        test = matrix!.Load(StreamOrder.EvalRanges(testBlocks, matrix.Rows, run.Stream!.BlockRows, run.Stream.EvalRows));
        Normalization?.Apply(test.X);
        return test;
    }

    /// <summary>The held-out split of a trained run (for `vaease eval`), normalised with <paramref name="normalization"/>,
    /// without loading the rest of a streamed run's data.</summary>
    public static Dataset HeldOut(RunConfig run, Normalization? normalization)
    {
        Dataset held;
        if (run.Stream?.Validate() is { } stream)
        {
            using MappedMatrix mapped = DataSpec.OpenMapped(run.Data);
            var (_, testBlocks) = StreamOrder.Split(mapped.Rows, stream.BlockRows, run.Training.TestFraction, run.Training.Seed, mapped.Name);
            held = mapped.Load(StreamOrder.EvalRanges(testBlocks, mapped.Rows, stream.BlockRows, stream.EvalRows));
        }
        else
        {
            var (train, test) = DataSpec.LoadTrainTest(run.Data, run.Training.TestFraction, run.Training.Seed);
            train.Dispose();
            held = test;
        }
        normalization?.Apply(held.X);
        return held;
    }

    private static RunData OpenStreamed(RunConfig run, StreamConfig stream, string? outDir)
    {
        MappedMatrix mapped = DataSpec.OpenMapped(run.Data);
        try
        {
            double held = Math.Min(stream.ShuffleBuffer, mapped.Rows) + Math.Min(stream.EvalRows, mapped.Rows);
            IO.MemoryBudget.Require(4 * held * mapped.Dim, $"streaming {mapped.Name} (--shuffle-buffer {stream.ShuffleBuffer} and --eval-rows {stream.EvalRows} rows of d = {mapped.Dim})",
                "lower --shuffle-buffer or --eval-rows");
            var (trainBlocks, testBlocks) = StreamOrder.Split(mapped.Rows, stream.BlockRows, run.Training.TestFraction, run.Training.Seed, mapped.Name);
            Normalization? normalization = Fit(run, outDir, mapped.Dim, () => Normalization.Compute(run.Normalize, mapped.Dim,
                add => StreamedRows.ForEachBlock(mapped, trainBlocks, stream.BlockRows, add)));
            var rows = new StreamedRows(mapped, trainBlocks, stream, normalization);
            long testCount = StreamOrder.EvalRanges(testBlocks, mapped.Rows, stream.BlockRows, stream.EvalRows).Sum(r => r.Count);
            return new RunData(run, rows, normalization, testCount, matrix: mapped, testBlocks: testBlocks);
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    private static Normalization? Fit(RunConfig run, string? outDir, int dim, Func<Normalization?> compute)
    {
        if (run.Normalize == NormalizeMode.None) return null;
        if (outDir is not null && File.Exists(Path.Combine(outDir, Normalization.File))) return Normalization.Load(outDir, run.Normalize, dim);
        Normalization? fitted = compute();
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            fitted!.Save(outDir);
        }
        return fitted;
    }

    public void Dispose()
    {
        (Train as IDisposable)?.Dispose();
        train?.Dispose();
        test?.Dispose();
        matrix?.Dispose();
        Normalization?.Dispose();
    }
}
