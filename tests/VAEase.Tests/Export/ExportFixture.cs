using System.Text.Json;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Export;

/// <summary>Freshly initialised (seeded) models, in memory or saved as a run folder, for the encode and export tests.</summary>
internal static class ExportFixture
{
    public const string Data = "linear:d=8,dims=2+3,n=300,seed=4";

    public static ModelConfig Config(ModelKind kind, EncoderKind encoder = EncoderKind.OneLayer, DecoderKind decoder = DecoderKind.Linear) => new()
    {
        Kind = kind, InputDim = 8, Latent = 10, Encoder = encoder, Decoder = decoder, TopK = 3,
    };

    public static SparseAutoencoder Create(ModelConfig config, long seed)
    {
        manual_seed(seed);
        SparseAutoencoder model = ModelFactory.Create(config);
        model.eval();
        return model;
    }

    /// <summary>Fills DIR as `vaease train` leaves it (config.json + model.safetensors), with an untrained model.</summary>
    public static void SaveRun(string dir, ModelConfig config, long seed)
    {
        Directory.CreateDirectory(dir);
        using SparseAutoencoder model = Create(config, seed);
        Json.Write(Path.Combine(dir, ModelStore.ConfigFile), new RunConfig { Data = Data, Model = config });
        ModelStore.SaveWeights(Path.Combine(dir, ModelStore.WeightsFile), model);
    }

    /// <summary>The `__metadata__` of a safetensors file, read straight from its header.</summary>
    public static Dictionary<string, string> SafeTensorsMetadata(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int length = (int)BitConverter.ToUInt64(bytes, 0);
        using var header = JsonDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes, 8, length));
        return header.RootElement.GetProperty("__metadata__").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
