using System.IO.Compression;

namespace VAEase.Data;

/// <summary>NumPy's .npz archives (np.savez, np.savez_compressed): a zip whose members NAME.npy are .npy files, stored
/// or deflated. One member is the data matrix, read front to back through the .npy checks (<see cref="NpyReader"/>);
/// errors name the archive and the array. A deflated member cannot be read from the middle, so an .npz is loaded, never
/// streamed (`unzip` turns it into .npy files that stream).</summary>
public static class NpzReader
{
    /// <summary>Rows and d of the array, from its .npy header alone, fully checked.</summary>
    public static (long Rows, int Dim) Shape(string path, string? array)
    {
        using Member member = Open(path, array);
        return (member.Part.Rows, member.Part.Dim);
    }

    /// <summary>One array of an open archive, its stream standing at the start of the data.</summary>
    internal sealed class Member(ZipArchive archive, Stream stream, MatrixSources.Part part) : IDisposable
    {
        /// <summary>The matrix; its File is "PATH: array 'NAME'", which starts each error.</summary>
        public MatrixSources.Part Part { get; } = part;

        /// <summary>Reads the whole matrix into <paramref name="destination"/> [rows, d].</summary>
        public void ReadInto(TorchSharp.torch.Tensor destination)
        {
            try
            {
                MatrixSources.ReadPart(stream, Part, destination, 0, 0, Part.Rows);
            }
            catch (InvalidDataException e)
            {
                throw new VAEaseException($"{Part.File}: damaged member ({IO.Printable.Escape(e.Message)})");
            }
        }

        public void Dispose()
        {
            stream.Dispose();
            archive.Dispose();
        }
    }

    /// <summary>Opens the array <paramref name="array"/>, or the only one there is, and checks its header.</summary>
    internal static Member Open(string path, string? array)
    {
        ZipArchive archive = OpenArchive(path);
        Stream? stream = null;
        try
        {
            var names = ArrayNames(archive);
            string listed = string.Join(", ", names);
            if (names.Count == 0) throw new VAEaseException($"{path}: the archive holds no .npy arrays");
            string name = array is null
                ? names.Count == 1 ? names[0] : throw new VAEaseException($"{path}: {names.Count} arrays ({listed}); choose one with array=NAME")
                : names.Contains(array) ? array : throw new VAEaseException($"{path}: no array '{array}' (the archive has: {listed})");
            ZipArchiveEntry entry = archive.GetEntry(name + ".npy")!;
            string what = $"{path}: array '{name}'";
            stream = entry.Open();
            NpyReader.Header header = NpyReader.ReadHeader(stream, entry.Length, what);
            var (rows, dim, element, offset, fortran) = NpyReader.CheckMatrix(header, entry.Length, what);
            return new Member(archive, stream, new MatrixSources.Part(what, offset, element, rows, dim, fortran));
        }
        catch (Exception e)
        {
            stream?.Dispose();
            archive.Dispose();
            if (e is InvalidDataException) throw new VAEaseException($"{path}: damaged .npz archive ({IO.Printable.Escape(e.Message)})");
            throw;
        }
    }

    private static ZipArchive OpenArchive(string path)
    {
        if (Directory.Exists(path)) throw new VAEaseException($"{path} is a directory, not a .npz file");
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new VAEaseException($"{path}: not a readable .npz (zip) archive ({IO.Printable.Escape(e.Message)})");
        }
    }

    private static List<string> ArrayNames(ZipArchive archive) =>
        [.. archive.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)).Select(e => e.FullName[..^4])];
}
