using Interp.Datasets;
using Interp.Hooks;
using Interp.Models.ToyClip;
using Interp.Transformers;

namespace Interp.Zoo;

/// <summary>
/// The toy CLIPs trained by <c>interp train toy-clip</c> and shipped in <c>data/</c>: one per image tower (<see cref="ToyTower"/>),
/// with the same text tower, dataset and recipe; each folder holds the weights and the run's record (<c>training.json</c>).
/// </summary>
public static class ToyClipWeights
{
    static readonly InputConvention Input = new(Interp.ToyWorld.ToyDataset.ImageSize, "RGB in [0, 1], no normalization");

    /// <summary>The zoo name of the toy CLIP with image tower <paramref name="tower"/>: <c>toy-clip</c> (the CNN), <c>toy-vit</c>, <c>toy-convnext</c>.</summary>
    public static string NameOf(ToyTower tower) => tower switch
    {
        ToyTower.Cnn => "toy-clip",
        ToyTower.Vit => "toy-vit",
        ToyTower.ConvNeXt => "toy-convnext",
        _ => throw new ArgumentOutOfRangeException(nameof(tower), tower, $"Image towers: {string.Join(", ", Enum.GetNames<ToyTower>())}."),
    };

    /// <summary>The shipped weights' file of the toy CLIP with <paramref name="tower"/>, e.g. <c>data/toyvit/toy-vit.bin</c>.</summary>
    public static string PathOf(ToyTower tower) =>
        Path.Combine(Runtime.InterpPaths.DataFolder(), NameOf(tower).Replace("-", "", StringComparison.Ordinal), NameOf(tower) + ".bin");

    /// <summary>The command that writes <paramref name="tower"/>'s shipped weights.</summary>
    public static string TrainCommand(ToyTower tower) =>
        $"dotnet run -c Release --project src/Interp.Cli -- train toy-clip --tower {tower.ToString().ToLowerInvariant()} --out {PathOf(tower)}";

    /// <summary>
    /// The zoo entries, one per tower: the whole toy CLIP as a <see cref="HookedModel"/> (its output is the image embedding; the image
    /// tower's layers are under <c>visual.</c>: <c>visual.stage1</c>–<c>visual.stage4</c> for the CNN, <c>visual.blocks.{l}.…</c> for the
    /// ViT, <c>visual.stage1</c>–<c>visual.stage3</c> for the ConvNeXt); dataset examples come from the toy world.
    /// </summary>
    public static IReadOnlyList<ZooEntry> Entries { get; } = [.. Enum.GetValues<ToyTower>().Select(EntryOf)];

    static ZooEntry EntryOf(ToyTower tower) => new(
        NameOf(tower),
        tower switch
        {
            ToyTower.Cnn =>
                "The toy CLIP of notebook 04: a 4-stage residual CNN image tower and a 2-layer text transformer, trained here on the toy world (shapes, colours, words).",
            ToyTower.Vit => "The toy CLIP with a vision transformer image tower (8×8 patches, 4 blocks of 4 heads, width 128), trained here on the toy world (notebook 06).",
            _ => "The toy CLIP with a ConvNeXt image tower (3 stages of 32, 64, 128 channels), trained here on the toy world (notebook 06).",
        },
        $"Trained by `interp train toy-clip --tower {tower.ToString().ToLowerInvariant()}` ({Path.GetFileName(Path.GetDirectoryName(PathOf(tower)))}/training.json " +
        $"records the run); shipped in data/{Path.GetFileName(Path.GetDirectoryName(PathOf(tower)))}",
        "MIT (this project's)",
        Input,
        () => File.Exists(PathOf(tower))
            ? new ModelAvailability(true, PathOf(tower), "")
            : new ModelAvailability(false, null, $"Train them with: {TrainCommand(tower)}"),
        () => Hooked(tower),
        ExampleImages: () => new ToyWorldImages(512),
        MainLayers: tower switch
        {
            ToyTower.Cnn => ["visual.stage1", "visual.stage2", "visual.stage3", "visual.stage4"],
            ToyTower.Vit => [.. Enumerable.Range(0, ToyClipModel.VitSettings.Layers).Select(l => $"visual.blocks.{l}.hook_resid_post")],
            _ => ["visual.stage1", "visual.stage2", "visual.stage3"],
        });

    /// <summary>
    /// The shipped toy CLIP as the zoo gives it: a <see cref="HookedModel"/> named <see cref="NameOf"/>; the ViT's comes with its token views
    /// attached (<see cref="TokenView.AttachAll"/>: <c>visual.blocks.{l}.hook_resid_post/grid</c> and <c>…/cls</c>), so that scans, the
    /// Microscope and dictionaries reach its units by name. The views live as long as the model.
    /// </summary>
    static HookedModel Hooked(ToyTower tower)
    {
        var model = new HookedModel(NameOf(tower), Load(tower), Input);
        if (tower == ToyTower.Vit) TokenView.AttachAll(model);
        return model;
    }

    /// <summary>The shipped toy CLIP with <paramref name="tower"/>, in eval mode; a clear error says how to make the file when it is missing.</summary>
    public static ToyClipModel Load(ToyTower tower = ToyTower.Cnn)
    {
        var path = PathOf(tower);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The toy CLIP's weights ({tower} image tower) are not at {path}. Train them with: {TrainCommand(tower)}", path);
        var model = new ToyClipModel(tower: tower);
        model.load(path);
        model.eval();
        return model;
    }
}
