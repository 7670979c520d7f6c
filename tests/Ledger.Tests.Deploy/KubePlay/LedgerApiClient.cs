using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// The ledger's HTTP API on one silo pod. A 503 (the two-region profile answers it after 3 s, e.g. while a fresh silo
/// activates its first grains on a busy machine) or no answer is retried with the same request, and so the same
/// Idempotency-Key, until a deadline: the API applies a key once. Any other unexpected status fails the test.
/// </summary>
public sealed class LedgerApiClient : IDisposable
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;

    /// <summary>A client of the silo at <paramref name="address"/>, port <paramref name="port"/>.</summary>
    public LedgerApiClient(string address, int port)
        => _http = new HttpClient { BaseAddress = new Uri($"http://{address}:{port}"), Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The underlying client (for readiness polling).</summary>
    public HttpClient Http => _http;

    /// <summary>POST <paramref name="path"/> with a JSON body and an Idempotency-Key; the answer's body once it has <paramref name="expected"/>.</summary>
    public Task<JsonElement> PostAsync(string path, object body, string idempotencyKey, HttpStatusCode expected)
        => SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body),
            Headers = { { "Idempotency-Key", idempotencyKey } },
        }, expected);

    /// <summary>GET <paramref name="path"/>; the answer's body once it is 200.</summary>
    public Task<JsonElement> GetAsync(string path) => SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), HttpStatusCode.OK);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> SendAsync(Func<HttpRequestMessage> request, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        var last = "no attempt";
        while (clock.Elapsed < RetryFor)
        {
            using var message = request();
            var what = $"{message.Method} {message.RequestUri}";
            try
            {
                using var response = await _http.SendAsync(message, TestContext.Current.CancellationToken);
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                if (response.StatusCode == expected)
                {
                    using var document = JsonDocument.Parse(text);
                    return document.RootElement.Clone();
                }

                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what} on {_http.BaseAddress} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
                last = $"{what}: 503 {text}";
            }
            catch (HttpRequestException exception)
            {
                last = $"{what}: {exception.Message}";
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                last = $"{what}: no answer within {_http.Timeout.TotalSeconds} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }

        Assert.Fail($"no {(int)expected} from {_http.BaseAddress} within {RetryFor.TotalSeconds} s (last: {last})");
        return default;
    }
}
