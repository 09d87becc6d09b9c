using System.Runtime.InteropServices;
using System.Text.Json;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Export;

/// <summary>`vaease encode`: the deterministic code of every row (<see cref="SparseAutoencoder.Encode"/>:
/// (1 - sigma) ⊙ mu for VAEase, mu for the VAE, z for SAEs) with each row's active dims by the variance-split
/// rule (spec §4, counted exactly as <see cref="Evaluator"/> counts them), dense or as sparse COO. Runs without
/// gradients, in eval mode, batch by batch; dense codes stream into the file and never exist whole in memory, and
/// a matrix on disk (<see cref="MappedMatrix"/>) is read a batch at a time.</summary>
public static class CodeExport
{
    /// <summary>Tensor names of the safetensors output.</summary>
    public const string Codes = "codes", Indices = "indices", Values = "values", Shape = "shape", ActiveDims = "active_dims";

    /// <summary>The sibling file of a dense .npy output that holds the active dims: codes.npy -> codes.active.npy.</summary>
    public static string ActiveDimsPath(string output) => Path.ChangeExtension(output, ".active.npy");

    /// <summary>The manifest that seals a .npy output's two files (<see cref="Manifest"/>): codes.npy -> codes.manifest.json.</summary>
    public static string ManifestPath(string output) => Path.ChangeExtension(output, ".manifest.json");

    /// <summary>Every file an encode with these options writes: the .safetensors file, or the .npy codes, their active
    /// dims and the manifest that seals the two (for refusing outputs that would replace an input).</summary>
    public static IReadOnlyList<string> OutputsOf(EncodeOptions options) =>
        (options.Format ?? FormatOf(options.Output)) == CodeFormat.Npy
            ? [options.Output, ActiveDimsPath(options.Output), ManifestPath(options.Output)]
            : [options.Output];

    /// <summary>Reads a .npy output back: codes [n, kappa] and active dims [n], once the manifest shows that both files
    /// are those one encode wrote together.</summary>
    public static (Tensor Codes, long[] ActiveDims) ReadNpy(string output)
    {
        Manifest.Check(ManifestPath(output), "encode");
        Tensor codes = NpyReader.ReadMatrix(output);
        long[] active = NpyReader.ReadLabels(ActiveDimsPath(output));
        if (active.LongLength != codes.shape[0])
        {
            codes.Dispose();
            throw new VAEaseException($"{ActiveDimsPath(output)}: {active.LongLength} active dims for the {codes.shape[0]} rows of {output}");
        }
        return (codes, active);
    }

    /// <summary>Which entries the COO form keeps. SAE codes have exact zeros (ReLU, TopK), so the nonzero entries
    /// are the code, losslessly. The VAE family's code is never exactly 0: an inactive dim has sigma ≈ 1, so
    /// (1 - sigma) ⊙ mu is only near 0 (and the VAE's mu need not be), so the COO form keeps the dims the
    /// variance-split rule calls active, row by row; the dropped entries are what the rule deems noise.</summary>
    public static string SparseEntries(ModelConfig config) => config.IsVariational
        ? "the active dims of each row by the variance-split rule (the code is not exactly 0 on inactive dims)"
        : "the nonzero entries of each row (the code has exact zeros)";

    /// <summary>Rows to encode: how many, their width, the data's name, and a reader of rows [start, start + count)
    /// as a float32 tensor [count, d] (valid until the next read).</summary>
    private sealed record RowSource(long Count, int Dim, string Name, Func<long, int, Tensor> Read);

    /// <summary>Encodes every row of <paramref name="data"/> and writes the codes as <paramref name="options"/> say.
    /// Bad requests (format, width, folder) throw before any file is touched; each file is written atomically.</summary>
    public static EncodeSummary Encode(SparseAutoencoder model, Dataset data, EncodeOptions options, Device? device = null) =>
        Encode(model, new RowSource(data.Count, data.Dim, data.Name, (start, rows) => data.X.narrow(0, start, rows)), options, device);

    /// <summary>The same for a matrix left on disk: one batch of rows is read (and normalised by
    /// <paramref name="normalization"/>, when given) at a time, so memory stays at a batch of rows and codes plus
    /// 4 bytes of active dims per row (and the COO entries, for sparse output), whatever the file's size.</summary>
    public static EncodeSummary Encode(SparseAutoencoder model, MappedMatrix matrix, Normalization? normalization, EncodeOptions options, Device? device = null)
    {
        options.Validate();
        long batch = Math.Min(options.BatchSize ?? Evaluator.BatchFor(model.Config), Math.Max(matrix.Rows, 1));
        RequireMemory(model, matrix.Rows, batch, matrix.Name);
        using Tensor buffer = empty(batch, matrix.Dim, dtype: ScalarType.Float32);
        return Encode(model, new RowSource(matrix.Rows, matrix.Dim, matrix.Name, (start, rows) =>
        {
            matrix.Read(start, rows, buffer, 0);
            Tensor read = buffer.narrow(0, 0, rows);
            normalization?.Apply(read);
            return read;
        }), options, device);
    }

    private static EncodeSummary Encode(SparseAutoencoder model, RowSource data, EncodeOptions options, Device? device)
    {
        options.Validate();
        CodeFormat format = options.Format ?? FormatOf(options.Output);
        if (options.Sparse && format != CodeFormat.SafeTensors)
            throw new VAEaseException($"sparse (COO) codes need the safetensors format; {options.Output} would be {Json.Name(format)}");
        if (data.Dim != model.Config.InputDim)
            throw new VAEaseException($"the model expects d = {model.Config.InputDim} but {data.Name} has d = {data.Dim}");
        string folder = Path.GetDirectoryName(Path.GetFullPath(options.Output))!;
        if (!Directory.Exists(folder)) throw new VAEaseException($"output folder not found: {folder}");
        int batchSize = options.BatchSize ?? Evaluator.BatchFor(model.Config);
        RequireMemory(model, data.Count, Math.Min(batchSize, Math.Max(data.Count, 1)), data.Name);
        if (!options.Sparse) MemoryBudget.RequireDisk((4.0 * model.Config.Latent + 4) * data.Count, folder, $"the codes of {data.Count} rows x kappa {model.Config.Latent}");

        int kappa = model.Config.Latent;
        var activeDims = new int[data.Count];
        IEnumerable<CodeBatch> batches = Batches(model, data, batchSize, device ?? CPU, activeDims);
        string layout = options.Sparse ? "coo" : "dense", rule = Evaluator.ActivityRule(model.ActivityKind);
        var metadata = Metadata(model, data, layout, rule);
        string[] outputs = [options.Output];
        long stored = data.Count * kappa;
        if (format == CodeFormat.Npy)
            outputs = WriteNpy(options.Output, data.Count, kappa, batches, activeDims);
        else if (options.Sparse)
            stored = WriteCoo(options.Output, model, data.Count, batches, activeDims, metadata);
        else
            WriteDense(options.Output, data.Count, kappa, batches, activeDims, metadata);

        return new EncodeSummary
        {
            Samples = data.Count,
            Latent = kappa,
            MeanActiveDims = data.Count > 0 ? activeDims.Average() : double.NaN,
            Format = Json.Name(format),
            Layout = layout,
            StoredEntries = stored,
            SparseEntries = options.Sparse ? SparseEntries(model.Config) : null,
            ActiveDimsRule = rule,
            Outputs = outputs,
        };
    }

    /// <summary>Refuses an encoding whose batches (<paramref name="batch"/> rows of data, codes and activations) and
    /// per-row active dims need more memory than is available, before anything is allocated.</summary>
    private static void RequireMemory(SparseAutoencoder model, long rows, long batch, string name)
    {
        if (rows > Array.MaxLength) throw new VAEaseException($"{name}: {rows} rows are more than one encode can count ({Array.MaxLength}); encode it in parts");
        MemoryBudget.Require(ModelSize.EvalBytes(model.Config, batch) + 4.0 * batch * (model.Config.InputDim + 2.0 * model.Config.Latent) + 4.0 * rows,
            $"encoding {rows} rows of {name} (--batch {batch}, d = {model.Config.InputDim}, kappa {model.Config.Latent})", "lower --batch");
    }

    private static CodeFormat FormatOf(string output) => Path.GetExtension(output).ToLowerInvariant() switch
    {
        ".npy" => CodeFormat.Npy,
        ".safetensors" => CodeFormat.SafeTensors,
        _ => throw new VAEaseException($"cannot tell the output format from '{Path.GetFileName(output)}' (name it .npy or .safetensors, or give --format npy|safetensors)"),
    };

    /// <summary>One batch of codes on the CPU, rows × kappa in C order, from row <see cref="Start"/> on.</summary>
    private sealed record CodeBatch(long Start, int Rows, float[] Codes, bool[] Active);

    /// <summary>Encodes the data batch by batch and fills <paramref name="activeDims"/> [n] as it goes.</summary>
    private static IEnumerable<CodeBatch> Batches(SparseAutoencoder model, RowSource data, int batchSize, Device device, int[] activeDims)
    {
        model.eval();
        int kappa = model.Config.Latent;
        double offLevel = Evaluator.OffLevel(model.ActivityKind);
        var row = new double[kappa];
        for (long start = 0; start < data.Count; start += batchSize)
        {
            int rows = (int)Math.Min(batchSize, data.Count - start);
            float[] codes, activity;
            using (no_grad())
            using (NewDisposeScope())
            {
                Encoding encoding = model.Encode(data.Read(start, rows).to(device));
                codes = encoding.Code.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
                activity = encoding.Activity.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            }
            var active = new bool[codes.Length];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < kappa; j++) row[j] = activity[i * kappa + j];
                activeDims[start + i] = VarianceSplit.Active(row, offLevel, active.AsSpan(i * kappa, kappa));
            }
            yield return new CodeBatch(start, rows, codes, active);
        }
    }

    /// <summary>NAME.npy: codes [n, kappa] &lt;f4; NAME.active.npy: active dims [n] &lt;i4; then NAME.manifest.json, which
    /// seals the two (<see cref="Manifest"/>): the old manifest goes once the new codes are written, before either file is
    /// replaced, so that until the new one is written a reader (<see cref="ReadNpy"/>) sees an unfinished write, never new
    /// codes paired with old active dims; an encode that fails before leaves the old set as it was.</summary>
    private static string[] WriteNpy(string output, long n, int kappa, IEnumerable<CodeBatch> batches, int[] activeDims)
    {
        string activePath = ActiveDimsPath(output), manifestPath = ManifestPath(output);
        NpyReader.WriteMatrix(output, n, kappa, stream =>
        {
            foreach (CodeBatch batch in batches) stream.Write(MemoryMarshal.AsBytes(batch.Codes.AsSpan()));
            Manifest.Unseal(manifestPath);
        });
        try
        {
            NpyReader.Write(activePath, activeDims);
        }
        catch
        {
            File.Delete(output); // the codes alone would look complete
            throw;
        }
        Manifest.Seal(manifestPath, [output, activePath]);
        return [output, activePath, manifestPath];
    }

    /// <summary>codes F32 [n, kappa], then active_dims I32 [n].</summary>
    private static void WriteDense(string output, long n, int kappa, IEnumerable<CodeBatch> batches, int[] activeDims, Dictionary<string, string> metadata)
    {
        SafeTensors.Layout[] layout = [new(Codes, "F32", [n, kappa]), new(ActiveDims, "I32", [n])];
        SafeTensors.Write(output, layout, metadata, stream =>
        {
            foreach (CodeBatch batch in batches) stream.Write(MemoryMarshal.AsBytes(batch.Codes.AsSpan()));
            stream.Write(MemoryMarshal.AsBytes(activeDims.AsSpan()));
        });
    }

    /// <summary>COO as torch.sparse_coo_tensor(indices.T, values, shape) takes it: indices I64 [nnz, 2] (row, dim)
    /// in row-major order, values F32 [nnz], shape I64 [2] = (n, kappa); then active_dims I32 [n]. The entries
    /// are held in memory (O(nnz)) because the header needs nnz before the data.</summary>
    private static long WriteCoo(string output, SparseAutoencoder model, long n, IEnumerable<CodeBatch> batches, int[] activeDims, Dictionary<string, string> metadata)
    {
        int kappa = model.Config.Latent;
        bool keepActive = model.Config.IsVariational;
        var indices = new List<long>();
        var values = new List<float>();
        foreach (CodeBatch batch in batches)
        {
            for (int at = 0; at < batch.Codes.Length; at++)
            {
                if (keepActive ? !batch.Active[at] : batch.Codes[at] == 0) continue;
                indices.Add(batch.Start + at / kappa);
                indices.Add(at % kappa);
                values.Add(batch.Codes[at]);
            }
        }
        long nnz = values.Count;
        SafeTensors.Layout[] layout = [new(Indices, "I64", [nnz, 2]), new(Values, "F32", [nnz]), new(Shape, "I64", [2]), new(ActiveDims, "I32", [n])];
        SafeTensors.Write(output, layout, metadata, stream =>
        {
            stream.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(indices)));
            stream.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)));
            stream.Write(MemoryMarshal.AsBytes(new long[] { n, kappa }.AsSpan()));
            stream.Write(MemoryMarshal.AsBytes(activeDims.AsSpan()));
        });
        return nnz;
    }

    /// <summary>The safetensors `__metadata__`: the layout, the model's config (JSON), the rules, the data, the version.</summary>
    private static Dictionary<string, string> Metadata(SparseAutoencoder model, RowSource data, string layout, string rule)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["layout"] = layout,
            ["model"] = JsonSerializer.Serialize(model.Config, new JsonSerializerOptions(Json.Options) { WriteIndented = false }),
            ["active_dims_rule"] = rule,
            ["data"] = data.Name,
            ["vaease"] = Versions.All["vaease"],
        };
        if (layout == "coo") metadata["sparse_entries"] = SparseEntries(model.Config);
        return metadata;
    }
}
