using System.Net;
using System.Net.Http.Headers;

namespace MultiCloud.LoadTool;

/// <summary>
/// Sends ledger requests with the retry discipline a careful client uses: the same idempotency key on every attempt,
/// retry on 503 (outcome unknown or unavailable), on 409 in-flight, on timeouts and connection errors, with
/// exponential backoff (50 ms doubling, at most 1 s); every other answer is final.
/// </summary>
public sealed class LedgerHttpClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] InFlightMarker = "idempotency-key-in-flight"u8.ToArray();
    private readonly HttpClient _http;
    private readonly LoadOptions _options;

    /// <summary>Creates a client with a connection pool sized for the run's concurrency.</summary>
    public LedgerHttpClient(LoadOptions options)
    {
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(options.Concurrency, 1) * 2,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        })
        {
            BaseAddress = options.Target,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Sends one request until it has a definite answer or the attempts run out.</summary>
    /// <param name="method">GET or POST.</param>
    /// <param name="path">Path relative to the target.</param>
    /// <param name="body">UTF-8 JSON body for POST.</param>
    /// <param name="idempotencyKey">The key, the same on every attempt.</param>
    /// <param name="stats">Where errors (including recovered ones) are counted.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    public async Task<Answer> SendAsync(HttpMethod method, string path, byte[]? body, string? idempotencyKey, OperationStats stats, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            string error;
            try
            {
                using var request = new HttpRequestMessage(method, path);
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = Json;
                }

                if (idempotencyKey is not null)
                {
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.RequestTimeout);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var content = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                var status = (int)response.StatusCode;
                var transient = status >= 500 || (status == 409 && content.AsSpan().IndexOf(InFlightMarker) >= 0);
                if (!transient)
                {
                    return new Answer(status, content, response.Headers.TryGetValues("Idempotent-Replayed", out _), attempt);
                }

                error = status == 409 ? "409 in flight" : $"{status}{ProblemSuffix(content)}";
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = exception is OperationCanceledException ? "timeout" : $"connection: {exception.InnerException?.GetType().Name ?? exception.GetType().Name}";
            }

            stats.RecordError(error);
            if (attempt >= _options.MaxAttempts)
            {
                return new Answer(0, [], false, attempt);
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string ProblemSuffix(byte[] content)
    {
        // "...problem:outcome-unknown" → " outcome-unknown"
        var text = System.Text.Encoding.UTF8.GetString(content);
        var start = text.IndexOf(":problem:", StringComparison.Ordinal);
        if (start < 0)
        {
            return string.Empty;
        }

        var end = text.IndexOf('"', start);
        return end < 0 ? string.Empty : " " + text[(start + 9)..end];
    }
}
