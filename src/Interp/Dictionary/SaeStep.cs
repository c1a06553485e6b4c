namespace Interp.Dictionary;

/// <summary>One training step's record: the loss, its squared-error part, mean active features, dead features, features resampled, time.</summary>
public sealed record SaeStep(int Step, double Loss, double SquaredError, double L0, int Dead, int Resampled, double Seconds);
