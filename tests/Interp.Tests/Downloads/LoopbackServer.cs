using System.Net;
using System.Net.Sockets;

namespace Interp.Tests.Downloads;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 for download tests: <c>/ok</c> serves the payload, <c>/corrupt</c> a
/// changed copy, <c>/drop</c> half of it before abandoning the connection, <c>/flaky</c> drops the first
/// request and serves the second, anything else is 404. It stops when disposed.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly byte[] _payload;
    readonly Task _loop;
    int _flakyRequests;

    public LoopbackServer(byte[] payload)
    {
        _payload = payload;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public int Port { get; }
    public int Requests;
    public Uri Url(string path) => new($"http://127.0.0.1:{Port}/{path}");

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref Requests);
            var path = ctx.Request.Url!.AbsolutePath.Trim('/');
            try
            {
                switch (path)
                {
                    case "ok": await Send(ctx, _payload); break;
                    case "corrupt":
                        var changed = (byte[])_payload.Clone();
                        changed[changed.Length / 2] ^= 0xFF;
                        await Send(ctx, changed);
                        break;
                    case "drop": await Drop(ctx); break;
                    case "flaky":
                        if (Interlocked.Increment(ref _flakyRequests) == 1) await Drop(ctx); else await Send(ctx, _payload);
                        break;
                    default:
                        ctx.Response.StatusCode = 404;
                        ctx.Response.Close();
                        break;
                }
            }
            catch (Exception) { /* the client went away */ }
        }
    }

    static async Task Send(HttpListenerContext ctx, byte[] body)
    {
        ctx.Response.ContentLength64 = body.Length;
        await ctx.Response.OutputStream.WriteAsync(body);
        ctx.Response.Close();
    }

    async Task Drop(HttpListenerContext ctx)
    {
        ctx.Response.ContentLength64 = _payload.Length;
        await ctx.Response.OutputStream.WriteAsync(_payload.AsMemory(0, _payload.Length / 2));
        await ctx.Response.OutputStream.FlushAsync();
        ctx.Response.Abort(); // the connection ends midway
    }

    bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
