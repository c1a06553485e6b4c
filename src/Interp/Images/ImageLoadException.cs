namespace Interp.Images;

/// <summary>An image file could not be read: corrupt, truncated, unsupported or too large. The message says which and what is accepted.</summary>
public sealed class ImageLoadException(string message, Exception? inner = null) : IOException(message, inner);
