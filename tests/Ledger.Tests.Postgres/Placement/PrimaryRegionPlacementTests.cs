using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Placement;

/// <summary>
/// Region-aware placement and the fencing of balance reads, with two silo processes (regions a and b) on one
/// PostgreSQL server whose <c>ledger.region</c> setting plays the part of "where the primary is". The class owns its
/// server: it changes server settings and stops it.
/// </summary>
public sealed class PrimaryRegionPlacementTests : IAsyncLifetime
{
    private static readonly string[] FastChecks =
    [
        "--Regions:PrimaryCheckInterval=00:00:00.200",
        "--Regions:MaxStaleness=00:00:01",
        "--Dashboard:Enabled=false",
    ];

    private readonly PostgresServer _postgres = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _postgres.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Activations_live_in_the_primary_region_whichever_silo_places_them_and_follow_the_primary_when_it_moves()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await _postgres.CreateDatabaseAsync();
        await SetRegionAsync("b");
        var clusterId = $"regions-{Guid.NewGuid():N}";
        await using var a = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null, [.. FastChecks, "--Regions:Region=a"]);
        await using var b = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null, [.. FastChecks, "--Regions:Region=b"]);
        await WaitForPrimaryRegionAsync([a, b], "b");
        // A front door prefers the region that holds the primary; both can write (one cluster spanning the regions).
        await WaitForHealthAsync(a.Http, "primary-region", HttpStatusCode.ServiceUnavailable);
        await WaitForHealthAsync(b.Http, "primary-region", HttpStatusCode.OK);
        await WaitForHealthAsync(a.Http, "writable", HttpStatusCode.OK);
        await WaitForHealthAsync(b.Http, "writable", HttpStatusCode.OK);

        // Half the accounts are opened through region A's silo, half through region B's: whichever silo places them.
        var accounts = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            accounts.Add(await OpenFundedAsync((i % 2 == 0 ? a : b).Http, 1_000 + i));
        }

        var whileB = await PlacementAsync(a.Http);
        Assert.Equal(10, AccountsIn(whileB, "b"));
        Assert.Equal(0, AccountsIn(whileB, "a"));

        // The primary moves to region A: the next call to each account (entering through B) migrates it.
        await SetRegionAsync("a");
        await WaitForPrimaryRegionAsync([a, b], "a");
        await WaitForHealthAsync(a.Http, "primary-region", HttpStatusCode.OK);
        await WaitForHealthAsync(b.Http, "primary-region", HttpStatusCode.ServiceUnavailable);
        var moved = Stopwatch.StartNew();
        JsonElement afterMove = default;
        while (moved.Elapsed < TimeSpan.FromSeconds(20))
        {
            foreach (var account in accounts)
            {
                using var read = await b.Http.GetAsync($"/accounts/{account}", ct);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            }

            afterMove = await PlacementAsync(b.Http);
            if (AccountsIn(afterMove, "a") == 10)
            {
                break;
            }

            await Task.Delay(200, ct);
        }

        Assert.True(AccountsIn(afterMove, "a") == 10, $"after the primary moved to a: {afterMove}\n{b.Output}");
        Assert.Equal(0, AccountsIn(afterMove, "b"));
        for (var i = 0; i < accounts.Count; i++)
        {
            Assert.Equal(1_000 + i, await BalanceAsync(a.Http, accounts[i]));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"10 accounts migrated to region a within {moved.Elapsed.TotalSeconds:0.0} s of the primary's move");
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_silo_that_cannot_confirm_the_primary_refuses_balance_reads_after_the_bound_and_serves_them_again_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await _postgres.CreateDatabaseAsync();
        await using var silo = await SiloProcess.StartAsync(connectionString, $"fence-{Guid.NewGuid():N}", "ledger", null, FastChecks);
        var account = await OpenFundedAsync(silo.Http, 700);
        Assert.Equal(700, await BalanceAsync(silo.Http, account));

        await _postgres.StopAsync();
        var stopped = Stopwatch.StartNew();
        TimeSpan? refusedAfter = null;
        var servedAfterStop = TimeSpan.Zero;
        while (stopped.Elapsed < TimeSpan.FromSeconds(10))
        {
            var sentAt = stopped.Elapsed;
            using var read = await silo.Http.GetAsync($"/accounts/{account}", ct);
            if (read.StatusCode == HttpStatusCode.OK)
            {
                servedAfterStop = sentAt;
            }
            else
            {
                await read.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable", null);
                refusedAfter ??= sentAt;
            }

            await Task.Delay(50, ct);
        }

        var writableWhileStopped = await HealthAsync(silo.Http, "writable");
        await _postgres.StartAsync();
        var back = await RetryUntilOkAsync(() => silo.Http.GetAsync($"/accounts/{account}", ct));
        var writableAgain = await RetryUntilOkAsync(() => silo.Http.GetAsync("/health/writable", ct));

        // Bound 1 s from the last confirmation; confirmations every 200 ms: nothing served 1.2 s (plus slack) after the stop.
        Assert.NotNull(refusedAfter);
        Assert.True(servedAfterStop < TimeSpan.FromMilliseconds(1_500), $"a balance was served {servedAfterStop.TotalMilliseconds:0} ms after the database stopped");
        Assert.Equal(700, back.GetProperty("balance").GetInt64());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, writableWhileStopped); // 10 s without a confirmation: not writable
        Assert.Equal("Healthy", writableAgain.GetProperty("status").GetString());
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"last balance served {servedAfterStop.TotalMilliseconds:0} ms after the stop, first refusal at {refusedAfter!.Value.TotalMilliseconds:0} ms");
    }

    private Task SetRegionAsync(string region) => _postgres.SetSettingAsync("ledger.region", region);

    private static async Task WaitForPrimaryRegionAsync(SiloProcess[] silos, string region)
    {
        var waited = Stopwatch.StartNew();
        foreach (var silo in silos)
        {
            while ((await PlacementAsync(silo.Http)).GetProperty("primaryRegion").GetString() != region)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"silo never saw the primary in {region}:\n{silo.Output}");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Each silo polls the primary on its own (every 200 ms here): waits until <c>/health/{check}</c> answers <paramref name="expected"/>.</summary>
    private static async Task WaitForHealthAsync(HttpClient http, string check, HttpStatusCode expected)
    {
        var waited = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = await HealthAsync(http, check)) != expected)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"/health/{check} still {status}, expected {expected}");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpStatusCode> HealthAsync(HttpClient http, string check)
    {
        using var response = await http.GetAsync($"/health/{check}");
        return response.StatusCode;
    }

    private static async Task<JsonElement> PlacementAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>("/ledger/placement");

    private static int AccountsIn(JsonElement placement, string region)
        => placement.GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("region").GetString() == region).Sum(s => s.GetProperty("accounts").GetInt32());

    private static async Task<Guid> OpenFundedAsync(HttpClient http, long amount)
    {
        using var opened = await PostAsync(http, "/accounts", new { owner = "Ada", currency = "EUR" });
        opened.EnsureSuccessStatusCode();
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var funded = await PostAsync(http, $"/accounts/{id}/deposits", new { amount });
        funded.EnsureSuccessStatusCode();
        return id;
    }

    private static async Task<long> BalanceAsync(HttpClient http, Guid account)
        => (await http.GetFromJsonAsync<JsonElement>($"/accounts/{account}")).GetProperty("balance").GetInt64();

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return http.SendAsync(request);
    }

    private static async Task<JsonElement> RetryUntilOkAsync(Func<Task<HttpResponseMessage>> send)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await send();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"still {response.StatusCode} 30 s after the database returned");
            await Task.Delay(200);
        }
    }
}
