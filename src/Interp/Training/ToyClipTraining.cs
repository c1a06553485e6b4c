using System.Diagnostics;
using Interp.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using Interp.Models.ToyClip;
using Interp.ToyWorld;
using static TorchSharp.torch;

namespace Interp.Training;

/// <summary>
/// How the toy CLIP is trained (the recipe measured to work at this scale: 900 steps at batch 256 with AdamW) and which image tower
/// it has (<see cref="ToyTower"/>; records written before the towers existed read as the CNN).
/// </summary>
public sealed record ToyTrainingSettings(int Steps = 900, int BatchSize = 256, double LearningRate = 2e-3, double WeightDecay = 0.05, int WarmupSteps = 50,
    int DataSeed = 1, long InitSeed = 0, int CheckpointEvery = 100,
    ToyTower Tower = ToyTower.Cnn)
{
    internal void Validate()
    {
        if (Steps < 1 || BatchSize < 2 || LearningRate <= 0 || WeightDecay < 0 || WarmupSteps < 0 || CheckpointEvery < 1)
            throw new ArgumentException($"Invalid training settings {this}: steps ≥ 1, batch ≥ 2, learning rate > 0, weight decay ≥ 0, warm-up ≥ 0, checkpoint every ≥ 1.");
    }

    /// <summary>
    /// The recipe for the toy CLIP with image tower <paramref name="tower"/> (the settings its shipped weights were trained with):
    /// the CNN's, with as many steps as fit 15 minutes on 2 cores for the slower towers (data/toyvit/README.md gives the trials).
    /// </summary>
    public static ToyTrainingSettings For(ToyTower tower) => tower switch
    {
        ToyTower.Cnn => new(),
        ToyTower.Vit => new(Steps: 720, LearningRate: 1e-3, Tower: tower),
        ToyTower.ConvNeXt => new(Steps: 840, Tower: tower),
        _ => throw new ArgumentOutOfRangeException(nameof(tower), tower, $"Image towers: {string.Join(", ", Enum.GetNames<ToyTower>())}."),
    };

    /// <summary>Each setting in which <paramref name="other"/> differs from this, as "name: this ≠ other" (empty when they are equal).</summary>
    public IReadOnlyList<string> DifferencesFrom(ToyTrainingSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return [.. new (string Name, object A, object B)[]
            {
                (nameof(Steps), Steps, other.Steps), (nameof(BatchSize), BatchSize, other.BatchSize), (nameof(LearningRate), LearningRate, other.LearningRate),
                (nameof(WeightDecay), WeightDecay, other.WeightDecay), (nameof(WarmupSteps), WarmupSteps, other.WarmupSteps),
                (nameof(DataSeed), DataSeed, other.DataSeed), (nameof(InitSeed), InitSeed, other.InitSeed),
                (nameof(CheckpointEvery), CheckpointEvery, other.CheckpointEvery), (nameof(Tower), Tower, other.Tower),
            }.Where(d => !d.A.Equals(d.B)).Select(d => $"{d.Name}: {d.A} ≠ {d.B}")];
    }

    /// <summary>The learning rate at <paramref name="step"/>: linear warm-up, then cosine decay to 0.</summary>
    public double RateAt(int step) => step < WarmupSteps
        ? LearningRate * (step + 1) / WarmupSteps
        : LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps)));
}

/// <summary>One training step's record.</summary>
public sealed record ToyTrainingStep(int Step, double Loss, double Seconds);

/// <summary>
/// Trains the toy CLIP on <see cref="ToyDataset"/> with the contrastive loss. Step s sees examples s·B … s·B + B − 1 of the
/// dataset, so a run is determined by its settings (bitwise at a fixed thread count), and a run resumed from a checkpoint
/// continues exactly where it stopped.
/// </summary>
public static class ToyClipTraining
{
    sealed record Checkpoint(ToyTrainingSettings Settings, int NextStep, List<ToyTrainingStep> History);

    /// <summary>
    /// Trains <paramref name="model"/> in place and returns the loss of every step run so far (resumed steps included). With
    /// <paramref name="checkpointPath"/>, training resumes from it when it holds a checkpoint of the same settings, and saves one
    /// every <see cref="ToyTrainingSettings.CheckpointEvery"/> steps and at the end. <paramref name="stopAfter"/> ends the run
    /// early (after that many steps in all), as an interruption would. With <paramref name="snapshots"/>, the weights after each step
    /// of its schedule are kept (step 0: the initialization); the schedule may not reach beyond the run.
    /// </summary>
    public static IReadOnlyList<ToyTrainingStep> Train(ToyClipModel model, ToyTrainingSettings settings, string? checkpointPath = null,
        IProgress<ToyTrainingStep>? progress = null, int? stopAfter = null, CancellationToken cancellation = default, TrajectoryWriter? snapshots = null)
    {
        settings.Validate();
        if (model.Tower != settings.Tower)
            throw new ArgumentException($"The settings are for a toy CLIP with a {settings.Tower} image tower; this model's is a {model.Tower}.", nameof(model));
        var data = new ToyDataset(settings.DataSeed);
        var decay = model.named_parameters().Where(p => p.parameter.ndim >= 2).Select(p => p.parameter).ToList();
        var other = model.named_parameters().Where(p => p.parameter.ndim < 2).Select(p => p.parameter).ToList();
        using var optimizer = optim.AdamW([new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = settings.WeightDecay }),
                                           new AdamW.ParamGroup(other, new AdamW.Options { weight_decay = 0 })], lr: settings.LearningRate);
        var history = new List<ToyTrainingStep>();
        int start = 0;
        if (checkpointPath is not null && TrainingCheckpoint.ReadRecord<Checkpoint>(checkpointPath, "toy CLIP") is { } saved)
        {
            if (saved.Settings != settings)
                throw new InvalidOperationException(
                    $"'{checkpointPath}' is a checkpoint of another run ({saved.Settings}); this run is {settings}. Use another path or delete it.");
            TrainingCheckpoint.LoadState(checkpointPath, model, optimizer);
            (start, history) = (saved.NextStep, saved.History);
        }
        snapshots?.Begin(settings, start);
        if (start == 0) snapshots?.After(0, model);
        model.train();
        var watch = Stopwatch.StartNew();
        int end = Math.Min(settings.Steps, stopAfter ?? settings.Steps);
        for (int step = start; step < end; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (images, tokens, _) = data.Batch((long)step * settings.BatchSize, settings.BatchSize);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = settings.RateAt(step);
            optimizer.zero_grad();
            var loss = model.ContrastiveLoss(images, tokens);
            loss.backward();
            optimizer.step();
            var record = new ToyTrainingStep(step, loss.item<float>(), watch.Elapsed.TotalSeconds);
            history.Add(record);
            progress?.Report(record);
            snapshots?.After(step + 1, model);
            if (checkpointPath is not null && ((step + 1) % settings.CheckpointEvery == 0 || step + 1 == end))
                TrainingCheckpoint.Save(checkpointPath, model, optimizer, new Checkpoint(settings, step + 1, history));
        }
        model.eval();
        return history;
    }
}
