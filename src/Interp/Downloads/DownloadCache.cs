using System.Security.Cryptography;
using Interp.Runtime;

namespace Interp.Downloads;

/// <summary>
/// The download layer shared by every online model: a cache folder (<c>$INTERP_CACHE/downloads</c>,
/// default <c>~/.cache/interp-notebooks/downloads</c>), SHA-256 verification (pinned, or recorded on
/// first download when no hash is published), atomic writes (a partial download never takes the
/// file's name), retries with progress, and an error that says which file to place where when the
/// machine is offline.
/// </summary>
public sealed class DownloadCache
{
    readonly HttpClient _http;

    /// <summary>A cache in <paramref name="root"/> (default: the library's cache folder) using <paramref name="http"/> (default: a new client).</summary>
    public DownloadCache(string? root = null, HttpClient? http = null)
    {
        Root = root ?? Path.Combine(InterpPaths.CacheRoot, "downloads");
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
    }

    /// <summary>The cache folder.</summary>
    public string Root { get; }
    /// <summary>Attempts per download (default 3).</summary>
    public int Attempts { get; init; } = 3;
    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where <paramref name="file"/> lives in the cache (whether or not it is there yet).</summary>
    public string PathOf(RemoteFile file) => Path.Combine(Root, file.FileName);

    /// <summary>Where the hash recorded on first download is kept, for files without a pinned hash.</summary>
    public string RecordedHashPath(RemoteFile file) => PathOf(file) + ".sha256";

    /// <summary>Whether the file is in the cache (not yet verified).</summary>
    public bool IsPresent(RemoteFile file) => File.Exists(PathOf(file));

    /// <summary>
    /// Returns the path of <paramref name="file"/>, downloading it first when it is not in the cache, and
    /// verifying its SHA-256 either way.
    /// </summary>
    /// <exception cref="DownloadException">The download failed after all attempts, or the checksum does not match.</exception>
    public async Task<string> EnsureAsync(RemoteFile file, IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default)
    {
        var path = PathOf(file);
        if (File.Exists(path))
        {
            Verify(file);
            return path;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Exception? last = null;
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            if (attempt > 1) await Task.Delay(RetryDelay * Math.Pow(2, attempt - 2), cancellation);
            var temp = $"{path}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
            try
            {
                var hash = await DownloadToAsync(file, temp, attempt, progress, cancellation);
                CheckHash(file, hash, expected: file.Sha256 ?? ReadRecordedHash(file), source: $"the download from {file.Url}");
                if (file.Sha256 is null) File.WriteAllText(RecordedHashPath(file), hash + "\n");
                File.Move(temp, path, overwrite: true);
                return path;
            }
            catch (DownloadException) { throw; }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { throw; }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                last = e;
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        throw new DownloadException(
            $"Could not download {file.Name} from {file.Url} ({Attempts} attempts; last error: {last?.Message}). " +
            $"If this machine is offline, download the file elsewhere and place it at {path}" +
            (file.Sha256 is null ? "." : $" (its SHA-256 must be {file.Sha256})."), last);
    }

    /// <summary>Synchronous <see cref="EnsureAsync"/>, for notebook cells and scripts.</summary>
    public string Ensure(RemoteFile file, IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default) =>
        EnsureAsync(file, progress, cancellation).GetAwaiter().GetResult();

    /// <summary>Checks the cached file against the pinned or recorded hash (recording it if there is neither).</summary>
    public void Verify(RemoteFile file)
    {
        var path = PathOf(file);
        var hash = Sha256Of(path);
        var expected = file.Sha256 ?? ReadRecordedHash(file);
        if (expected is null)
        {
            File.WriteAllText(RecordedHashPath(file), hash + "\n");
            return;
        }
        CheckHash(file, hash, expected, source: path);
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    string? ReadRecordedHash(RemoteFile file) =>
        File.Exists(RecordedHashPath(file)) ? File.ReadAllText(RecordedHashPath(file)).Trim() : null;

    static void CheckHash(RemoteFile file, string actual, string? expected, string source)
    {
        if (expected is null || string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)) return;
        throw new DownloadException(
            $"{file.Name}: {source} has SHA-256 {actual}, but {expected} was expected. The file is corrupt or not the one the library knows; " +
            "delete it and download again (a partial or altered file is never used).");
    }

    async Task<string> DownloadToAsync(RemoteFile file, string temp, int attempt, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        using var response = await _http.GetAsync(file.Url, HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        long? total = response.Content.Headers.ContentLength;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var source = await response.Content.ReadAsStreamAsync(cancellation);
        long bytes = 0;
        await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellation)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellation);
                sha.AppendData(buffer, 0, read);
                bytes += read;
                progress?.Report(new DownloadProgress(file.Name, bytes, total, attempt));
            }
        }
        if (total is { } t && bytes != t)
            throw new IOException($"the connection ended after {bytes} of {t} bytes");
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
