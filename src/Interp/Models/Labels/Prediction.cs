namespace Interp.Models.Labels;

/// <summary>One of a model's top predictions for one image.</summary>
public sealed record Prediction(int Rank, int Class, string Label, float Probability);
