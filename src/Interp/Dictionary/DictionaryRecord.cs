using System.Text.Json;

namespace Interp.Dictionary;

/// <summary>
/// The record of a dictionary's training run, kept beside it (<c>path.training.json</c>): the recipe, the scale measured,
/// where and how long it ran, the losses (the first ten exactly, for re-running them), its quality on <c>EvaluatedOn</c>
/// (held-out pictures where the image set has them), and the weights' hash.
/// </summary>
public sealed record DictionaryRecord(DictionaryRecipe Recipe, double Scale, string Cpu, int Threads, double Seconds, double[] FirstLosses,
    double[] LossEvery50Steps, double FinalLoss, string EvaluatedOn, double Fvu, double L0, int Dead, int Dense, string WeightsSha256)
{
    /// <summary>Where the record of the dictionary at <paramref name="dictionaryPath"/> is kept.</summary>
    public static string PathFor(string dictionaryPath) => dictionaryPath + ".training.json";

    /// <summary>Writes the record beside the dictionary.</summary>
    public void Save(string dictionaryPath) =>
        File.WriteAllText(PathFor(dictionaryPath), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, IndentSize = 1 }));

    /// <summary>Reads the record of the dictionary at <paramref name="dictionaryPath"/>.</summary>
    public static DictionaryRecord Load(string dictionaryPath)
    {
        var path = PathFor(dictionaryPath);
        if (!File.Exists(path)) throw new FileNotFoundException($"The dictionary '{dictionaryPath}' has no training record ('{path}').", path);
        try
        {
            return JsonSerializer.Deserialize<DictionaryRecord>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' holds no training record.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a dictionary's training record ({e.Message}).", e);
        }
    }
}
