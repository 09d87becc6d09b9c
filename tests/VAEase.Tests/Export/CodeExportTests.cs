using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Export;
using VAEase.IO;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Tests.Export;

public sealed class CodeExportTests
{
    const int Batch = 128; // 300 rows: two full batches and a partial one

    /// <summary>The plain path: Encode each batch, then the variance-split rule row by row.</summary>
    static (float[] Codes, bool[] Active, int[] Counts) Reference(SparseAutoencoder model, Dataset data)
    {
        int kappa = model.Config.Latent;
        var codes = new List<float>();
        var activity = new List<float>();
        using (no_grad())
        using (NewDisposeScope())
        {
            for (long start = 0; start < data.Count; start += Batch)
            {
                Encoding e = model.Encode(data.X.narrow(0, start, Math.Min(Batch, data.Count - start)));
                codes.AddRange(e.Code.contiguous().data<float>().ToArray());
                activity.AddRange(e.Activity.contiguous().data<float>().ToArray());
            }
        }
        var active = new bool[codes.Count];
        var counts = new int[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            double[] row = activity.Skip(i * kappa).Take(kappa).Select(a => (double)a).ToArray();
            counts[i] = VarianceSplit.Active(row, Evaluator.OffLevel(model.ActivityKind), active.AsSpan(i * kappa, kappa));
        }
        return ([.. codes], active, counts);
    }

    static string TempDir()
    {
        string dir = Training.TrainingFixture.TempDir();
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Theory]
    [InlineData(ModelKind.VAEase, false)]
    [InlineData(ModelKind.SaeTopK, true)]
    public void A_matrix_on_disk_read_a_batch_at_a_time_and_normalised_gives_the_codes_of_the_matrix_in_memory(ModelKind kind, bool sparse)
    {
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(kind), seed: 12);
        string dir = TempDir(), input = Path.Combine(dir, "rows.npy");
        string ext = sparse ? ".safetensors" : ".npy", mapped = Path.Combine(dir, "mapped" + ext), loaded = Path.Combine(dir, "loaded" + ext);
        try
        {
            using (Dataset raw = DataSpec.Load(ExportFixture.Data))
            using (Tensor shifted = raw.X * 3 + 1) // far from centred, so a skipped normalisation would show
                NpyReader.Write(input, shifted);
            using Dataset data = DataSpec.Load($"npy:{input}");
            using Normalization normalization = Normalization.Of(NormalizeMode.CenterScale, data.X)!;

            using (MappedMatrix matrix = DataSpec.OpenMapped($"npy:{input}"))
                CodeExport.Encode(model, matrix, normalization, new EncodeOptions { Output = mapped, BatchSize = Batch, Sparse = sparse });
            normalization.Apply(data.X);
            CodeExport.Encode(model, data, new EncodeOptions { Output = loaded, BatchSize = Batch, Sparse = sparse });

            Assert.Equal(File.ReadAllBytes(loaded), File.ReadAllBytes(mapped));
            if (!sparse) Assert.Equal(File.ReadAllBytes(CodeExport.ActiveDimsPath(loaded)), File.ReadAllBytes(CodeExport.ActiveDimsPath(mapped)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.SaeL1)]
    public void Dense_npy_codes_equal_the_model_codes_and_active_dims_equal_the_evaluator_counts(ModelKind kind)
    {
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(kind), seed: 11);
        using Dataset data = DataSpec.Load(ExportFixture.Data);
        string dir = TempDir(), output = Path.Combine(dir, "codes.npy");
        try
        {
            EncodeSummary summary = CodeExport.Encode(model, data, new EncodeOptions { Output = output, BatchSize = Batch });

            var (codes, _, counts) = Reference(model, data);
            using Tensor written = NpyReader.ReadMatrix(output);
            Assert.Equal([300L, 10L], written.shape);
            Assert.Equal(codes, written.data<float>().ToArray());
            long[] activeDims = NpyReader.ReadLabels(Path.Combine(dir, "codes.active.npy"));
            Assert.Equal(counts.Select(c => (long)c), activeDims);

            EvalReport report = Evaluator.Evaluate(model, data, Batch);
            var histogram = activeDims.GroupBy(c => (int)c).ToDictionary(g => g.Key, g => g.LongCount());
            Assert.Equal(report.ActiveDimsHistogram, new SortedDictionary<int, long>(histogram));
            Assert.Equal(report.MeanActiveDims, summary.MeanActiveDims, 12);
            Assert.Equal([output, Path.Combine(dir, "codes.active.npy"), Path.Combine(dir, "codes.manifest.json")], summary.Outputs);
            Assert.Equal((300L, 10, "dense", 3000L), (summary.Samples, summary.Latent, summary.Layout, summary.StoredEntries));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.SaeTopK)]
    public void Sparse_coo_holds_the_active_dims_of_a_vae_code_and_the_nonzeros_of_an_sae_code(ModelKind kind)
    {
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(kind), seed: 12);
        using Dataset data = DataSpec.Load(ExportFixture.Data);
        string dir = TempDir(), densePath = Path.Combine(dir, "dense.safetensors"), cooPath = Path.Combine(dir, "coo.safetensors");
        try
        {
            CodeExport.Encode(model, data, new EncodeOptions { Output = densePath, BatchSize = Batch });
            EncodeSummary summary = CodeExport.Encode(model, data, new EncodeOptions { Output = cooPath, Sparse = true, BatchSize = Batch });

            var (codes, active, counts) = Reference(model, data);
            var dense = SafeTensors.Read(densePath);
            var coo = SafeTensors.Read(cooPath);
            Assert.Equal(codes, dense["codes"].data<float>().ToArray());
            Assert.Equal(counts, dense["active_dims"].data<int>().ToArray());
            Assert.Equal(counts, coo["active_dims"].data<int>().ToArray());
            Assert.Equal([300L, 10L], coo["shape"].data<long>().ToArray());

            long[] indices = coo["indices"].data<long>().ToArray();
            float[] values = coo["values"].data<float>().ToArray();
            Assert.Equal([values.LongLength, 2L], coo["indices"].shape);
            Assert.Equal(values.LongLength, summary.StoredEntries);
            var rebuilt = new float[codes.Length];
            var stored = new bool[codes.Length];
            for (int e = 0; e < values.Length; e++)
            {
                long at = indices[2 * e] * 10 + indices[2 * e + 1];
                Assert.False(stored[at], "an entry is stored twice");
                Assert.True(e == 0 || at > indices[2 * e - 2] * 10 + indices[2 * e - 1], "entries are not in row-major order");
                (rebuilt[at], stored[at]) = (values[e], true);
            }
            bool[] expectedStored = model.Config.IsVariational ? active : codes.Select(c => c != 0).ToArray();
            Assert.Equal(expectedStored, stored);
            Assert.Equal(codes.Select((c, at) => expectedStored[at] ? c : 0).ToArray(), rebuilt);
            if (!model.Config.IsVariational) Assert.Equal(codes, rebuilt); // an SAE's COO form is lossless

            var metadata = ExportFixture.SafeTensorsMetadata(cooPath);
            Assert.Equal("coo", metadata["layout"]);
            Assert.Equal(CodeExport.SparseEntries(model.Config), metadata["sparse_entries"]);
            Assert.Equal(model.Config, System.Text.Json.JsonSerializer.Deserialize<ModelConfig>(metadata["model"], Json.Options));
            Assert.Equal(Evaluator.ActivityRule(model.ActivityKind), metadata["active_dims_rule"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("linear:d=5,dims=2,n=50,seed=1", "codes.npy", false, "the model expects d = 8 but")]
    [InlineData(ExportFixture.Data, "codes.npy", true, "safetensors")]
    [InlineData(ExportFixture.Data, "codes.bin", false, "cannot tell the output format from 'codes.bin'")]
    [InlineData(ExportFixture.Data, "absent/codes.npy", false, "output folder not found")]
    public void Bad_requests_are_refused_with_one_line_before_anything_is_written(string spec, string file, bool sparse, string expected)
    {
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(ModelKind.SaeL1), seed: 13);
        using Dataset data = DataSpec.Load(spec);
        string dir = TempDir();
        try
        {
            var e = Assert.Throws<VAEaseException>(() => CodeExport.Encode(model, data, new EncodeOptions { Output = Path.Combine(dir, file), Sparse = sparse }));
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            if (spec != ExportFixture.Data) Assert.Contains("d = 5", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
