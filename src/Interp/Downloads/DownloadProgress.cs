namespace Interp.Downloads;

/// <summary>Progress of a download.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Bytes">Bytes received so far in this attempt.</param>
/// <param name="Total">The total size, when the server says.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, …</param>
public sealed record DownloadProgress(string Name, long Bytes, long? Total, int Attempt);
