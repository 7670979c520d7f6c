using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>
/// The real silo host on PostgreSQL, including losing the database. This class runs its own PostgreSQL server so
/// that stopping it disturbs no other test.
/// </summary>
public sealed class PostgresApiTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private ApiHost _api = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await _postgres.CreateDatabaseAsync();
        _api = await ApiHost.StartAsync(connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Ledger_runs_on_PostgreSQL_and_readiness_reports_the_database()
    {
        var from = await _api.OpenAccountAsync(deposit: 1_000);
        var to = await _api.OpenAccountAsync();
        using var transfer = await _api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 250 }, LedgerActions.NewKey());
        var entries = await _api.Client.GetFromJsonAsync<JsonElement>($"/accounts/{to}/entries", TestContext.Current.CancellationToken);
        var ready = await _api.Client.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);
        var report = await _api.Client.GetFromJsonAsync<JsonElement>("/ledger/reconcile", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);
        Assert.Equal(750, await _api.BalanceAsync(from));
        Assert.Equal("transferIn", Assert.Single(entries.GetProperty("items").EnumerateArray()).GetProperty("kind").GetString());
        Assert.StartsWith("postgresql answered", ready.GetProperty("checks").GetProperty("ledger-storage").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(report.GetProperty("isConsistent").GetBoolean());
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Losing_the_database_gives_503s_with_retry_after_and_the_ledger_resumes_exactly_once_when_it_returns()
    {
        var account = await _api.OpenAccountAsync(deposit: 500);
        var key = LedgerActions.NewKey();

        await _postgres.StopAsync();
        using var notReady = await _api.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        using var write = await _api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 200 }, key);
        using var read = await _api.Client.GetAsync($"/accounts/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        using var query = await _api.Client.GetAsync("/ledger/reconcile", TestContext.Current.CancellationToken);
        await _postgres.StartAsync();
        using var retried = await RetryUntilAnsweredAsync(() => _api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 200 }, key));
        using var replay = await _api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 200 }, key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.NotNull(write.Headers.RetryAfter);
        var problem = await write.JsonAsync();
        Assert.Contains(problem.GetProperty("type").GetString(), new[]
        {
            "tag:multicloud.ledger,2026:problem:outcome-unknown",
            "tag:multicloud.ledger,2026:problem:service-unavailable",
        });
        await read.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable", null);
        await query.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable", null);
        Assert.NotNull(read.Headers.RetryAfter);
        Assert.NotNull(query.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(await retried.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await replay.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(300, await _api.BalanceAsync(account));
        var report = await _api.Client.GetFromJsonAsync<JsonElement>("/ledger/reconcile", TestContext.Current.CancellationToken);
        Assert.True(report.GetProperty("isConsistent").GetBoolean());
    }

    /// <summary>Retries while the host answers 503 (the connection pool needs a moment after the database returns), at most 30 s.</summary>
    private static async Task<HttpResponseMessage> RetryUntilAnsweredAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(250);
        }
    }
}
