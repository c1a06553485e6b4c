namespace Interp.Dictionary;

/// <summary>
/// What a saved dictionary is for: the model and layer its vectors came from, the scale they were multiplied by
/// (<see cref="LayerActivations.Scale"/>; a feature's activation on raw activations x is its activation on x·Scale), the
/// autoencoder's settings and the training source's name.
/// </summary>
public sealed record DictionaryInfo(string Model, string Layer, double Scale, SaeSettings Settings, string Source);
