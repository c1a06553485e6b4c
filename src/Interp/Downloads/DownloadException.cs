namespace Interp.Downloads;

/// <summary>A file could not be downloaded or failed its checksum; the message says what to do.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : IOException(message, inner);
