namespace Interp.Downloads;

/// <summary>
/// A file the library can download: where from, where it goes in the cache, and how to check it.
/// </summary>
/// <param name="Name">A short name for messages, e.g. "InceptionV1 weights (inception5h.pth)".</param>
/// <param name="Url">Where to download it from.</param>
/// <param name="FileName">Its name in the cache folder (may contain a sub-folder, e.g. <c>models/inception5h.pth</c>).</param>
/// <param name="Sha256">The pinned SHA-256 (lower-case hex). Null when none is published: the hash of the first
/// download is then recorded beside the file and checked from then on.</param>
/// <param name="License">The licence of the file's contents.</param>
public sealed record RemoteFile(string Name, Uri Url, string FileName, string? Sha256, string License);
