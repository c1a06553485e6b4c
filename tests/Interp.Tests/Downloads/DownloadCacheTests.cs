using System.Security.Cryptography;
using Interp.Downloads;
using Interp.Models;

namespace Interp.Tests.Downloads;

public class DownloadCacheTests
{
    // A real file as the payload: CLIP's vocabulary as the repository ships it.
    static byte[] Payload() => File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "data", "clip", "bpe_simple_vocab_16e6.txt.gz"));

    static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    static DownloadCache Cache(string name) => new(TestPaths.Temp(name)) { RetryDelay = TimeSpan.FromMilliseconds(10) };

    [Fact]
    public void Downloads_verifies_and_then_serves_from_the_cache()
    {
        var payload = Payload();
        using var server = new LoopbackServer(payload);
        var cache = Cache("dl-ok");
        var file = new RemoteFile("test file", server.Url("ok"), "sub/file.bin", Sha(payload), "test");
        var reports = new List<DownloadProgress>();
        var path = cache.Ensure(file, new Progress(reports));
        Assert.Equal(cache.PathOf(file), path);
        Assert.Equal(payload, File.ReadAllBytes(path));
        Assert.NotEmpty(reports);
        Assert.Equal(payload.Length, reports[^1].Bytes);
        Assert.Equal(payload.Length, reports[^1].Total);
        int requests = server.Requests;
        cache.Ensure(file);
        Assert.Equal(requests, server.Requests); // second call: from the cache, no request
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.partial-*"));
    }

    [Fact]
    public void A_corrupted_download_is_rejected_naming_both_hashes_and_leaves_nothing_behind()
    {
        var payload = Payload();
        using var server = new LoopbackServer(payload);
        var cache = Cache("dl-corrupt");
        var file = new RemoteFile("test file", server.Url("corrupt"), "file.bin", Sha(payload), "test");
        var e = Assert.Throws<DownloadException>(() => cache.Ensure(file));
        Assert.Contains(Sha(payload), e.Message);
        var changed = (byte[])payload.Clone();
        changed[changed.Length / 2] ^= 0xFF;
        Assert.Contains(Sha(changed), e.Message);
        Assert.False(File.Exists(cache.PathOf(file)));
        Assert.Empty(Directory.GetFiles(cache.Root));
    }

    [Fact]
    public void A_connection_dropped_midway_is_retried_then_reported_with_where_to_place_the_file()
    {
        var payload = Payload();
        using var server = new LoopbackServer(payload);
        var cache = Cache("dl-drop");
        var file = new RemoteFile("test file", server.Url("drop"), "file.bin", Sha(payload), "test");
        var e = Assert.Throws<DownloadException>(() => cache.Ensure(file));
        Assert.Equal(cache.Attempts, server.Requests);
        Assert.Contains("place it at " + cache.PathOf(file), e.Message);
        Assert.Contains(Sha(payload), e.Message);
        Assert.False(File.Exists(cache.PathOf(file)));
        Assert.Empty(Directory.GetFiles(cache.Root));
    }

    [Fact]
    public void A_dropped_first_attempt_succeeds_on_retry()
    {
        var payload = Payload();
        using var server = new LoopbackServer(payload);
        var cache = Cache("dl-flaky");
        var file = new RemoteFile("test file", server.Url("flaky"), "file.bin", Sha(payload), "test");
        var path = cache.Ensure(file);
        Assert.Equal(payload, File.ReadAllBytes(path));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public void Without_a_pinned_hash_the_first_download_is_recorded_and_checked_from_then_on()
    {
        var payload = Payload();
        using var server = new LoopbackServer(payload);
        var cache = Cache("dl-tofu");
        var file = new RemoteFile("test file", server.Url("ok"), "file.bin", null, "test");
        var path = cache.Ensure(file);
        Assert.Equal(Sha(payload), File.ReadAllText(cache.RecordedHashPath(file)).Trim());
        File.WriteAllBytes(path, [.. payload.Take(100)]); // the cached file is damaged later
        var e = Assert.Throws<DownloadException>(() => cache.Ensure(file));
        Assert.Contains(Sha(payload), e.Message);
    }

    [Fact]
    public void Offline_the_error_says_which_file_to_place_where()
    {
        // A port with nothing listening: connection refused, as on a machine without network.
        Uri url;
        using (var server = new LoopbackServer([1, 2, 3])) url = server.Url("ok");
        var cache = Cache("dl-offline");
        var file = new RemoteFile("InceptionV1 weights (inception5h.pth)", url, "models/inception5h.pth", null, "test");
        var e = Assert.Throws<DownloadException>(() => cache.Ensure(file));
        Assert.Contains("Could not download InceptionV1 weights (inception5h.pth)", e.Message);
        Assert.Contains(cache.PathOf(file), e.Message);
    }

    [Fact]
    public void A_server_error_is_reported()
    {
        using var server = new LoopbackServer([1, 2, 3]);
        var cache = Cache("dl-404");
        var e = Assert.Throws<DownloadException>(() => cache.Ensure(new RemoteFile("f", server.Url("missing"), "f.bin", null, "test")));
        Assert.Contains("404", e.Message);
    }

    sealed class Progress(List<DownloadProgress> into) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => into.Add(value);
    }
}
