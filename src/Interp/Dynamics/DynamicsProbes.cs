using Interp.Models.ToyClip;
using Interp.Stimuli;

namespace Interp.Dynamics;

/// <summary>
/// What <see cref="TrajectoryMeasures"/> measures at every checkpoint, and on which pictures. Every picture set is fixed by its seed,
/// so each checkpoint is measured on the same pictures; none comes from the training data (seed 1).
/// </summary>
/// <param name="PerKind">Held-out drawings and word pictures for zero-shot accuracy (shape, reading, colour); 300 as the shipped models' records.</param>
/// <param name="HeldOutSeed">The dataset seed of the held-out pictures (<see cref="Clip.ToyClipEvaluation.ZeroShot"/>'s).</param>
/// <param name="LossBatch">Held-out pictures and captions in the contrastive loss.</param>
/// <param name="ConceptPictures">Pictures and written names per shape for the multimodal-unit count (notebook 04's measure).</param>
/// <param name="Permutations">Label shuffles behind the multimodal count's chance level.</param>
/// <param name="Victims">Drawings of the other shapes that get "star" written on them (the typographic attack).</param>
/// <param name="TuningPictures">Held-out pictures whose mean responses make a unit's tuning (compared with the last checkpoint's).</param>
/// <param name="MultimodalLayer">The layer searched for multimodal units and whose units' tuning is followed.</param>
/// <param name="CurveLayers">Early layers searched for curve-like units by notebook 02's criteria.</param>
/// <param name="Curves">The curve search's stimuli, scaled to the toy world's 64 px.</param>
/// <param name="FirstLayer">The first layer's filter weights [out, in, k, k], by parameter name.</param>
/// <param name="SpectrumSize">The DFT side the first layer's filters are padded to for their spectrum.</param>
public sealed record DynamicsProbes(int PerKind = 300, int HeldOutSeed = 1_000_003, int LossBatch = 256, int ConceptPictures = 8, int Permutations = 200,
    int Victims = 60, int TuningPictures = 128, string MultimodalLayer = "visual.stage4", IReadOnlyList<string>? CurveLayers = null,
    CurveSearchSettings? Curves = null, string FirstLayer = "visual.stage1.conv1.weight", int SpectrumSize = 16)
{
    /// <summary>The curve layers, default <c>visual.stage2</c> and <c>visual.stage3</c> (the CNN's 16×16 and 8×8 maps).</summary>
    public IReadOnlyList<string> CurveLayerList => CurveLayers ?? ["visual.stage2", "visual.stage3"];

    /// <summary>
    /// The curve stimuli: notebook 02's families drawn for 64 px pictures (arcs 14 px long, 2 px strokes, curvatures 1/16, 1/10 and
    /// 1/6 px⁻¹, shifted by −3, 0 and 3 px), every 15°.
    /// </summary>
    public CurveSearchSettings CurveSettings => Curves ?? new CurveSearchSettings(15, [1.0 / 16, 1.0 / 10, 1.0 / 6], Length: 14, LineWidth: 2, Shifts: [-3, 0, 3]);

    /// <summary>The probes for a toy CLIP with image tower <paramref name="tower"/> (the layers differ; the CNN's are the defaults).</summary>
    public static DynamicsProbes For(ToyTower tower) => tower switch
    {
        ToyTower.Cnn => new(),
        // The ViT's units as channels through its token views (TokenView): the last block's patch grid for multimodal units and
        // tuning; its first layer is the patch embedding (8×8 filters). No curve search: after the first attention every token's
        // receptive field is the whole picture, so the search's central field (ReceptiveFields.FromArchitecture) is undefined.
        ToyTower.Vit => new(MultimodalLayer: "visual.blocks.3.hook_resid_post/grid", CurveLayers: [], FirstLayer: "visual.embed.weight"),
        // The ConvNeXt's last stage (4×4, 128 channels) as the CNN's stage4; curves on stage1 (16×16), whose central field is 52 px of the
        // 64 — stage2's already covers the whole picture, so its centre is unknown; its first layer is the 4×4 patchify stem.
        ToyTower.ConvNeXt => new(MultimodalLayer: "visual.stage3", CurveLayers: ["visual.stage1"], FirstLayer: "visual.stem.0.weight"),
        _ => throw new ArgumentOutOfRangeException(nameof(tower), tower, $"Image towers: {string.Join(", ", Enum.GetNames<ToyTower>())}."),
    };

    /// <summary>Refuses probes that cannot be measured, saying what is valid.</summary>
    public DynamicsProbes Validate()
    {
        if (PerKind < 1 || LossBatch < 2 || ConceptPictures < 1 || Permutations < 1 || Victims < 1 || TuningPictures < 3 || SpectrumSize < 1)
            throw new ArgumentException($"Invalid probes {this}: pictures per kind ≥ 1, loss batch ≥ 2, concept pictures ≥ 1, permutations ≥ 1, victims ≥ 1, " +
                                        "tuning pictures ≥ 3 (a correlation needs them), spectrum size ≥ 1.");
        return this;
    }
}
