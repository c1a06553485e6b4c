using Interp.Clip;
using Interp.Models.Clip;

using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// A CLIP-like model: an image tower and a text tower that embed into one space, compared by a scaled cosine similarity.
/// OpenAI's CLIP (<see cref="ClipModel"/>), the toy CLIP (<see cref="ToyClip.ToyClipModel"/>) and the vision-transformer CLIP to come
/// implement it, so zero-shot classification (<see cref="ZeroShotClassifier"/>) and notebook 04's probes run on any of them.
/// </summary>
public interface IClipModel
{
    /// <summary>The side of the square images <see cref="EncodeImage"/> takes, e.g. 224 for RN50, 64 for the toy CLIP.</summary>
    int ImageSize { get; }

    /// <summary>Image embeddings [N, D] (not L2-normalized) of RGB images in [0, 1] [N, 3, <see cref="ImageSize"/>, <see cref="ImageSize"/>].</summary>
    Tensor EncodeImage(Tensor images);

    /// <summary>Token rows [N, L] for <paramref name="texts"/>, in this model's vocabulary; a text that does not fit is an error, never cut.</summary>
    Tensor Tokenize(IReadOnlyList<string> texts);

    /// <summary>Text embeddings [N, D] (not L2-normalized) of token rows from <see cref="Tokenize"/>.</summary>
    Tensor EncodeText(Tensor tokens);

    /// <summary>The temperature: logits are this times the cosine similarity.</summary>
    double LogitScale { get; }

    /// <summary>Logits [images, texts]: <see cref="LogitScale"/> × the cosine similarity of the embeddings, as the model computes it in training.</summary>
    Tensor Logits(Tensor imageEmbeddings, Tensor textEmbeddings);
}
