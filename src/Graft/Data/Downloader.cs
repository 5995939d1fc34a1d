using System.Security.Cryptography;

namespace Graft.Data;

/// <summary>Downloads a file over HTTP(S) to a temporary name, checks its MD5 or SHA-256, then renames it into place.</summary>
internal static class Downloader
{
    /// <summary>How long to wait for a connection: offline, a download should fail in seconds, not after the whole timeout.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    private static readonly HttpClient s_http = Client(DefaultConnectTimeout);

    private static HttpClient Client(TimeSpan connectTimeout) =>
        new(new SocketsHttpHandler { ConnectTimeout = connectTimeout }) { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>
    /// Fetches <paramref name="url"/> into <paramref name="destination"/>; progress gets (bytes so far, total or −1).
    /// <paramref name="hash"/> is an MD5 or, at 64 hex digits, a SHA-256 (Keras's <c>get_file</c> rule); null skips the
    /// check (files whose publisher gives no checksum).
    /// </summary>
    /// <exception cref="InvalidDataException">The download's hash differs from <paramref name="hash"/>; the message gives both.</exception>
    public static async Task DownloadAsync(string url, string destination, string? hash, Action<long, long>? progress, CancellationToken cancel = default, TimeSpan? connectTimeout = null)
    {
        string temp = destination + ".download";
        using var own = connectTimeout is { } t && t != DefaultConnectTimeout ? Client(t) : null;
        var http = own ?? s_http;
        try
        {
            using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel))
            {
                response.EnsureSuccessStatusCode();
                long total = response.Content.Headers.ContentLength ?? -1;
                await using var source = await response.Content.ReadAsStreamAsync(cancel);
                await using var target = File.Create(temp);
                var buffer = new byte[1 << 16];
                long done = 0;
                int n;
                while ((n = await source.ReadAsync(buffer, cancel)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, n), cancel);
                    done += n;
                    progress?.Invoke(done, total);
                }
            }
            if (hash is not null && Hash(temp, hash) is var actual && !string.Equals(actual, hash, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{url}: expected {HashName(hash)} {hash}, got {actual}; the download is corrupt or not the official file.");
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The algorithm of a published hash: SHA-256 for 64 hex digits, else MD5 (Keras's <c>get_file</c> rule).</summary>
    public static string HashName(string expected) => expected.Length == 64 ? "SHA-256" : "MD5";

    /// <summary>The file's hash in the algorithm of <paramref name="expected"/>, as lowercase hex.</summary>
    public static string Hash(string path, string expected)
    {
        if (expected.Length != 64) return Md5(path);
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    public static string Md5(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(f));
    }
}
