using System.Buffers;
using System.Runtime.InteropServices;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>Builds a <see cref="Dataset"/> from files: a .npy matrix (C or Fortran order), one tensor of a .safetensors
/// file, a folder of such shards (concatenated row-wise), one array of an .npz archive, a column of float lists of a
/// Parquet file, or the MNIST / Fashion-MNIST IDX files.
/// Shapes come from the headers alone (for describing a spec); loading fills one preallocated
/// float32 [n, d] tensor a chunk at a time, so the peak memory is the data plus a few MB. Labels,
/// where given, are for per-group evaluation only.</summary>
public static class MatrixSources
{
    /// <summary>The image sets <c>mnist</c> and <c>fashion-mnist</c>, loaded from IDX files.</summary>
    public static IReadOnlyList<string> ImageSets { get; } = ["mnist", "fashion-mnist"];

    /// <summary>Splits of an image set: the 60k training images, the 10k test images, or both.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "test", "all"];

    /// <summary>Where Debian's dataset-fashion-mnist package puts its files.</summary>
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>The four canonical IDX file names (each may also end in .gz).</summary>
    public static IReadOnlyList<string> ImageFiles { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private const int ChunkBytes = 1 << 22;

    /// <summary>One matrix [Rows, Dim] stored from <paramref name="Offset"/> on in a file: dtype F32, F16, BF16 or F64,
    /// little-endian, row by row, or column by column if <paramref name="ColumnMajor"/> (a Fortran-order .npy).</summary>
    internal sealed record Part(string File, long Offset, string ElementType, long Rows, int Dim, bool ColumnMajor = false);

    public static (long Rows, int Dim) NpyShape(string path) => Shape([NpyPart(path)]);

    public static (long Rows, int Dim) SafeTensorsShape(string path, string? tensor) => Shape([SafeTensorsPart(path, tensor)]);

    public static (long Rows, int Dim) ShardsShape(string dir, string? tensor) => Shape(ShardParts(dir, tensor));

    /// <summary>The row blocks of a file kind ("npy", "safetensors" or "shards"), headers fully checked, for
    /// <see cref="MappedMatrix"/>.</summary>
    internal static IReadOnlyList<Part> Parts(string kind, string location, string? tensor) => kind switch
    {
        "npy" => [NpyPart(location)],
        "safetensors" => [SafeTensorsPart(location, tensor)],
        "shards" => ShardParts(location, tensor),
        _ => throw new ArgumentException($"'{kind}' is not a file kind", nameof(kind)),
    };

    public static Dataset LoadNpy(string path, string? labels, string name) => Load([NpyPart(path)], labels, name, path);

    /// <summary>One array of an .npz archive: <paramref name="array"/> by name, or the only one there is.</summary>
    public static Dataset LoadNpz(string path, string? array, string? labels, string name)
    {
        using NpzReader.Member member = NpzReader.Open(path, array);
        return Fill((member.Part.Rows, member.Part.Dim), labels, name, path, member.ReadInto);
    }

    /// <summary>A column of float lists of a Parquet file (see <see cref="ParquetMatrix"/>).</summary>
    public static Dataset LoadParquet(string path, string? column, string? labels, string name)
    {
        using ParquetMatrix matrix = ParquetMatrix.Open(path, column);
        return Fill((matrix.Rows, matrix.Dim), labels, name, path, matrix.ReadInto);
    }

    /// <summary>One tensor of the file: <paramref name="tensor"/> by name, or the only one there is.</summary>
    public static Dataset LoadSafeTensors(string path, string? tensor, string? labels, string name) =>
        Load([SafeTensorsPart(path, tensor)], labels, name, path);

    /// <summary>Every *.npy or every *.safetensors file of the folder (not both), in ordinal name
    /// order, stacked row-wise; <paramref name="labels"/> covers all rows in that order.</summary>
    public static Dataset LoadShards(string dir, string? tensor, string? labels, string name) =>
        Load(ShardParts(dir, tensor), labels, name, dir);

    /// <summary>The .npy shards of each folder in turn (each folder's in name order), stacked row-wise.</summary>
    public static Dataset LoadShardFolders(IReadOnlyList<string> dirs, string name) =>
        Load(FolderParts(dirs), null, name, string.Join(", ", dirs));

    /// <summary>Rows and d of <see cref="LoadShardFolders"/>, from the headers.</summary>
    public static (long Rows, int Dim) ShardFoldersShape(IReadOnlyList<string> dirs) => Shape(FolderParts(dirs));

    /// <summary>Rows of each .npy shard of the folder, in name order, from the headers.</summary>
    public static IReadOnlyList<(string File, long Rows)> ShardRows(string dir) => [.. ShardParts(dir, null).Select(p => (p.File, p.Rows))];

    /// <summary>Rows and pixels per image of an image set's split, from the IDX headers.</summary>
    public static (long Rows, int Dim) ImageSetShape(string set, string split) => ImageSetShape(set, split, ImageSetFolders(set));

    /// <summary>An image set's split as pixels / 255 in [0, 1], [n, rows * cols], with the class labels.</summary>
    public static Dataset LoadImageSet(string set, string split, string name) => LoadImageSet(set, split, name, ImageSetFolders(set));

    /// <summary>As the public overload, searching only the given folders.</summary>
    internal static (long Rows, int Dim) ImageSetShape(string set, string split, IReadOnlyList<string> folders)
    {
        var parts = ImageSplit(set, split, folders);
        long rows = 0;
        int dim = 0;
        foreach (var (images, _) in parts)
        {
            int[] shape = IdxReader.ReadShape(images);
            if (shape.Length != 3) throw new VAEaseException($"{images}: expected 3 dimensions (images), the header has {shape.Length}");
            int pixels = shape[1] * shape[2];
            if (dim != 0 && pixels != dim) throw new VAEaseException($"{images}: {shape[1]}x{shape[2]} images, but {parts[0].Images} has {dim} pixels per image");
            dim = pixels;
            rows += shape[0];
        }
        return (rows, dim);
    }

    /// <summary>As the public overload, searching only the given folders.</summary>
    internal static Dataset LoadImageSet(string set, string split, string name, IReadOnlyList<string> folders)
    {
        var parts = ImageSplit(set, split, folders);
        var (rows, dim) = ImageSetShape(set, split, folders);
        var x = empty(rows, dim, dtype: ScalarType.Float32);
        try
        {
            var labels = new List<long>();
            foreach (var (images, labelFile) in parts)
            {
                long[] partLabels = IdxReader.ReadLabels(labelFile);
                long n = IdxReader.ReadShape(images)[0];
                if (partLabels.Length != n) throw new VAEaseException($"{labelFile}: {partLabels.Length} labels for the {n} images of {images}");
                IdxReader.ReadImagesInto(images, x, labels.Count);
                labels.AddRange(partLabels);
            }
            return new Dataset(x, [.. labels], name);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>The folders searched for an image set, in order: $VAEASE_DATA_DIR/NAME, ./data/NAME,
    /// ~/.cache/vaease/NAME and, for fashion-mnist, Debian's folder.</summary>
    public static IReadOnlyList<string> ImageSetFolders(string set)
    {
        CheckSet(set);
        var folders = SearchFolders(set);
        if (set == "fashion-mnist") folders.Add(DebianFashionMnist);
        return folders;
    }

    /// <summary>Where an installed data folder of that name is looked for, in order: $VAEASE_DATA_DIR/NAME,
    /// ./data/NAME, ~/.cache/vaease/NAME.</summary>
    public static List<string> SearchFolders(string name)
    {
        var folders = new List<string>();
        if (Environment.GetEnvironmentVariable("VAEASE_DATA_DIR") is { Length: > 0 } root) folders.Add(Path.GetFullPath(Path.Combine(root, name)));
        folders.Add(Path.GetFullPath(Path.Combine("data", name)));
        folders.Add(Path.Combine(DataInstaller.DefaultRoot, name));
        return folders;
    }

    /// <summary>The first folder holding all four IDX files of the set, or null.</summary>
    public static string? FindImageSet(string set) => FindImageSet(ImageSetFolders(set));

    private static string? FindImageSet(IReadOnlyList<string> folders) =>
        folders.FirstOrDefault(folder => ImageFiles.All(file => FileIn(folder, file) is not null));

    /// <summary>The file of that canonical name in the folder, plain or gzipped, or null.</summary>
    public static string? FileIn(string folder, string file)
    {
        string plain = Path.Combine(folder, file);
        return File.Exists(plain) ? plain : File.Exists(plain + ".gz") ? plain + ".gz" : null;
    }

    /// <summary>(images, labels) file pairs of the split, or the error saying where we looked and how to install.</summary>
    private static List<(string Images, string Labels)> ImageSplit(string set, string split, IReadOnlyList<string> folders)
    {
        CheckSet(set);
        if (!Splits.Contains(split)) throw new VAEaseException($"{set}: split must be train, test or all, got '{split}'");
        string folder = FindImageSet(folders) ?? throw NotInstalled(set, folders);
        var pairs = new List<(string, string)>();
        if (split != "test") pairs.Add((FileIn(folder, ImageFiles[0])!, FileIn(folder, ImageFiles[1])!));
        if (split != "train") pairs.Add((FileIn(folder, ImageFiles[2])!, FileIn(folder, ImageFiles[3])!));
        return pairs;
    }

    private static VAEaseException NotInstalled(string set, IReadOnlyList<string> folders)
    {
        var looked = folders.Select(folder =>
        {
            string[] missing = [.. ImageFiles.Where(file => FileIn(folder, file) is null)];
            return missing.Length == ImageFiles.Count ? folder : $"{folder} (missing {string.Join(", ", missing)})";
        });
        return new VAEaseException($"{set} is not installed: looked for {string.Join(", ", ImageFiles)} (plain or .gz) in {string.Join("; ", looked)}. " +
            $"Install it with `vaease data install {set}`");
    }

    private static void CheckSet(string set)
    {
        if (!ImageSets.Contains(set)) throw new ArgumentException($"unknown image set '{set}' (known: {string.Join(", ", ImageSets)})", nameof(set));
    }

    private static Part NpyPart(string path)
    {
        CheckNotFolder(path, "npy");
        var (rows, dim, element, offset, fortran) = NpyReader.ReadMatrixHeader(path);
        return new Part(path, offset, element, rows, dim, fortran);
    }

    private static Part SafeTensorsPart(string path, string? tensor)
    {
        CheckNotFolder(path, "safetensors");
        var entries = SafeTensors.List(path);
        string names = string.Join(", ", entries.Select(e => $"{e.Name} {e.DType}[{string.Join(", ", e.Shape)}]"));
        if (entries.Count == 0) throw new VAEaseException($"{path}: the file has no tensors");
        SafeTensors.Entry entry = tensor is null
            ? entries.Count == 1 ? entries[0] : throw new VAEaseException($"{path}: {entries.Count} tensors ({names}); choose one with tensor=NAME")
            : entries.FirstOrDefault(e => e.Name == tensor) ?? throw new VAEaseException($"{path}: no tensor '{tensor}' (the file has: {names})");
        string what = $"{path}: tensor '{entry.Name}'";
        if (entry.DType is not ("F32" or "F16" or "BF16" or "F64"))
            throw new VAEaseException($"{what}: unsupported dtype {entry.DType} for data (expected F32, F16, BF16 or F64)");
        if (entry.Shape.Length != 2) throw new VAEaseException($"{what}: data must be 2-D [n, d], got shape [{string.Join(", ", entry.Shape)}]");
        if (entry.Shape[0] == 0) throw new VAEaseException($"{what}: 0 rows");
        if (entry.Shape[1] == 0 || entry.Shape[1] > int.MaxValue) throw new VAEaseException($"{what}: row length {entry.Shape[1]} is not usable");
        return new Part(path, entry.DataStart, entry.DType, entry.Shape[0], (int)entry.Shape[1]);
    }

    /// <summary>A folder named where a file of that kind is expected ("file not found" would mislead).</summary>
    private static void CheckNotFolder(string path, string kind)
    {
        if (Directory.Exists(path))
            throw new VAEaseException($"{path} is a directory, not a .{kind} file (a folder of .npy or .safetensors shards is read with shards:{path})");
    }

    private static List<Part> ShardParts(string dir, string? tensor)
    {
        if (File.Exists(dir)) throw new VAEaseException($"{dir} is a file, not a folder of shards (read one file with npy:{dir} or safetensors:{dir})");
        if (!Directory.Exists(dir)) throw new VAEaseException($"folder not found: {dir}");
        string[] npy = Directory.GetFiles(dir, "*.npy");
        string[] st = Directory.GetFiles(dir, "*.safetensors");
        if (npy.Length + st.Length == 0) throw new VAEaseException($"{dir}: no .npy or .safetensors shards in the folder");
        if (npy.Length > 0 && st.Length > 0)
            throw new VAEaseException($"{dir}: the folder mixes .npy ({npy.Length}) and .safetensors ({st.Length}) shards; keep one format per folder");
        if (npy.Length > 0 && tensor is not null) throw new VAEaseException($"{dir}: tensor={tensor} applies to .safetensors shards, but the folder holds .npy files");
        string[] files = npy.Length > 0 ? npy : st;
        Array.Sort(files, StringComparer.Ordinal);
        return SameDim([.. files.Select(f => npy.Length > 0 ? NpyPart(f) : SafeTensorsPart(f, tensor))]);
    }

    private static List<Part> FolderParts(IReadOnlyList<string> dirs) => SameDim([.. dirs.SelectMany(dir => ShardParts(dir, null))]);

    private static List<Part> SameDim(List<Part> parts)
    {
        foreach (Part p in parts)
            if (p.Dim != parts[0].Dim) throw new VAEaseException($"{p.File}: rows of d = {p.Dim}, but {parts[0].File} has d = {parts[0].Dim}; all shards need the same d");
        return parts;
    }

    private static (long Rows, int Dim) Shape(IReadOnlyList<Part> parts) =>
        (ShapeSize.Sum(parts.Select(p => p.Rows)) ?? throw new VAEaseException($"{parts[0].File}: the shards together have more than {long.MaxValue} rows"), parts[0].Dim);

    /// <summary>Fills one [n, d] tensor from the parts in order; <paramref name="source"/> (the file
    /// or folder) is named when the labels do not match.</summary>
    private static Dataset Load(IReadOnlyList<Part> parts, string? labelsPath, string name, string source) =>
        Fill(Shape(parts), labelsPath, name, source, x =>
        {
            long row = 0;
            foreach (Part part in parts)
            {
                using var stream = new FileStream(part.File, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
                ReadPart(stream, part, x, row, 0, part.Rows);
                row += part.Rows;
            }
        });

    /// <summary>Checks the memory and the labels, then lets <paramref name="read"/> fill a new float32 tensor of
    /// <paramref name="shape"/>, disposed if it throws.</summary>
    private static Dataset Fill((long Rows, int Dim) shape, string? labelsPath, string name, string source, Action<Tensor> read)
    {
        var (rows, dim) = shape;
        MemoryBudget.Require(4.0 * rows * dim, $"{source}: loading {rows} rows of d = {dim}",
            "`vaease train --stream` and `vaease encode` read npy:, safetensors: and shards: data a block at a time");
        long[]? labels = null;
        if (labelsPath is not null)
        {
            labels = NpyReader.ReadLabels(labelsPath);
            if (labels.Length != rows)
                throw new VAEaseException($"{labelsPath}: {labels.Length} labels for the {rows} rows of {source}");
        }
        var x = empty(rows, dim, dtype: ScalarType.Float32);
        try
        {
            read(x);
            return new Dataset(x, labels, name);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>Decodes rows [<paramref name="first"/>, first + count) of <paramref name="part"/> as float32 into rows [at, at + count)
    /// of <paramref name="destination"/> [N, d] (CPU, contiguous); a NaN or infinite value (after conversion) is an error naming
    /// the file, its row and column. A seekable stream is positioned here; a forward-only one (an .npz member) must stand at the
    /// part's data and be read whole (first 0, count all rows).</summary>
    internal static void ReadPart(Stream stream, Part part, Tensor destination, long at, long first, long count)
    {
        if (!stream.CanSeek && (first != 0 || count != part.Rows))
            throw new ArgumentException("a forward-only stream is read whole", nameof(stream));
        if (!part.ColumnMajor)
        {
            if (stream.CanSeek) stream.Position = part.Offset + first * part.Dim * SafeTensors.Width(part.ElementType);
            ReadRows(stream, part.ElementType, destination, at, count, part.File, first);
        }
        else ReadColumns(stream, part, destination, at, first, count);
    }

    /// <summary>Rows [first, first + count) of a column-major part: a row is strided (one value per column, the columns
    /// n values apart), so it is read as tiles of C columns by R rows, one read of R values per column, each tile
    /// transposed into place. R is all <paramref name="count"/> rows when a column of them fits in a chunk (C as many
    /// columns as fit), else a chunk of one column; so reading a whole part reads the file front to back, and streaming a
    /// block of B rows makes d reads of B values.</summary>
    private static void ReadColumns(Stream stream, Part part, Tensor destination, long at, long first, long count)
    {
        int width = SafeTensors.Width(part.ElementType);
        long tileRows = Math.Min(count, ChunkBytes / width);
        int tileCols = (int)Math.Clamp(ChunkBytes / (tileRows * width), 1, part.Dim);
        using Tensor tile = empty(tileRows * tileCols, dtype: ScalarType.Float32);
        byte[]? raw = part.ElementType == "F32" ? null : ArrayPool<byte>.Shared.Rent(checked((int)(tileRows * tileCols * width)));
        try
        {
            for (int c = 0; c < part.Dim; c += tileCols)
                for (long r = 0; r < count; r += tileRows)
                {
                    int cols = Math.Min(tileCols, part.Dim - c);
                    long rows = Math.Min(tileRows, count - r);
                    using Tensor slot = tile.narrow(0, 0, cols * rows).view(cols, rows);     // [cols, rows]
                    Span<byte> bytes = raw is null ? slot.bytes : raw.AsSpan(0, (int)(cols * rows * width));
                    for (int j = 0; j < cols; j++)
                    {
                        if (stream.CanSeek) stream.Position = part.Offset + ((c + j) * part.Rows + first + r) * width;
                        Span<byte> column = bytes.Slice((int)(j * rows * width), (int)(rows * width));
                        if (stream.ReadAtLeast(column, column.Length, throwOnEndOfStream: false) < column.Length)
                            throw new VAEaseException($"{part.File}: truncated: the data ends in column {c + j} of {part.Dim} (Fortran order)");
                    }
                    Span<float> values = MemoryMarshal.Cast<byte, float>(slot.bytes);
                    if (raw is not null) Decode(bytes, part.ElementType, values);
                    long firstRow = first + r;
                    RequireFinite(slot, part.File, bytes, part.ElementType, i => (firstRow + i % rows, c + i / rows));
                    using Tensor target = destination.narrow(0, at + r, rows).narrow(1, c, cols);
                    using Tensor transposed = slot.t();
                    target.copy_(transposed);
                }
        }
        finally
        {
            if (raw is not null) ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>Decodes <paramref name="rows"/> rows of little-endian F32, F16, BF16 or F64 values from
    /// the stream into rows [firstRow, firstRow + rows) of <paramref name="destination"/> [N, d]
    /// float32 (CPU, contiguous), chunk by chunk; a NaN or infinite value (after conversion) names the file's row,
    /// counting the stream's first row as row <paramref name="fileRow"/> of the file. F32 is read straight into the
    /// tensor's memory, the other types through one pooled buffer, so a read leaves no garbage behind (streaming
    /// calls this for every block).</summary>
    internal static void ReadRows(Stream stream, string elementType, Tensor destination, long firstRow, long rows, string file, long fileRow = 0)
    {
        if (!destination.is_contiguous() || destination.device_type != TorchSharp.DeviceType.CPU || destination.dtype != ScalarType.Float32)
            throw new ArgumentException("the destination must be a contiguous float32 CPU tensor", nameof(destination));
        int width = SafeTensors.Width(elementType);
        int dim = (int)destination.shape[1];
        long rowBytes = (long)dim * width;
        int chunkRows = (int)Math.Clamp(ChunkBytes / rowBytes, 1, rows);
        byte[]? raw = elementType == "F32" ? null : ArrayPool<byte>.Shared.Rent(checked((int)(chunkRows * rowBytes)));
        try
        {
            for (long done = 0; done < rows; done += chunkRows)
            {
                int take = (int)Math.Min(chunkRows, rows - done);
                using var slot = destination.narrow(0, firstRow + done, take);
                Span<float> values = MemoryMarshal.Cast<byte, float>(slot.bytes);
                Span<byte> bytes = raw is null ? slot.bytes : raw.AsSpan(0, (int)(take * rowBytes));
                int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                if (got < bytes.Length) throw new VAEaseException($"{file}: truncated: the data ends in row {fileRow + done + got / rowBytes} of {fileRow + rows}");
                if (raw is not null) Decode(bytes, elementType, values);
                long chunkRow = fileRow + done;
                RequireFinite(slot, file, bytes, elementType, i => (chunkRow + i / dim, i % dim));
            }
        }
        finally
        {
            if (raw is not null) ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>Throws, naming the file's row and column, if the contiguous float32 <paramref name="slot"/> holds a NaN or an
    /// infinity; <paramref name="bytes"/> are the values as stored (of <paramref name="elementType"/>, to tell an F64 that
    /// overflows float32), <paramref name="locate"/> maps an index into the slot to (row, column) of the data.</summary>
    internal static void RequireFinite(Tensor slot, string file, ReadOnlySpan<byte> bytes, string elementType, Func<int, (long Row, long Column)> locate)
    {
        // Each intermediate tensor is held by a local: an unreferenced temporary can be finalized (its native
        // tensor freed) while all() still runs on it, which crashed loading under memory pressure.
        using var isFinite = isfinite(slot);
        using var finite = isFinite.all();
        if (finite.item<bool>()) return;
        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(slot.bytes);
        int i = 0;
        while (float.IsFinite(values[i])) i++;
        string value = elementType == "F64" && double.IsFinite(MemoryMarshal.Cast<byte, double>(bytes)[i])
            ? $"{MemoryMarshal.Cast<byte, double>(bytes)[i]:R} overflows float32"
            : values[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (row, column) = locate(i);
        throw new VAEaseException($"{file}: row {row} has a non-finite value at column {column} ({value}); data must be finite");
    }

    internal static void Decode(ReadOnlySpan<byte> bytes, string elementType, Span<float> values)
    {
        switch (elementType)
        {
            case "F32":
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case "F16":
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < values.Length; i++) values[i] = (float)halves[i];
                break;
            case "BF16":
                var bits = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                break;
            case "F64":
                var doubles = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < values.Length; i++) values[i] = (float)doubles[i];
                break;
            default:
                throw new ArgumentException($"element type {elementType} is not a float type", nameof(elementType));
        }
    }
}
