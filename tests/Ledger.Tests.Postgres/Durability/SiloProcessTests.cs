using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Durability;

/// <summary>Silo processes on PostgreSQL killed with SIGKILL: membership, and transfers in flight at the moment of the kill.</summary>
public sealed class SiloProcessTests(PostgresServer postgres)
{
    private static readonly string[] FastMembership =
    [
        "--Cluster:Membership:ProbeTimeout=00:00:01",
        "--Cluster:Membership:NumMissedProbesLimit=2",
        "--Cluster:Membership:NumVotesForDeathDeclaration=1",
        "--Cluster:Membership:TableRefreshTimeout=00:00:02",
        "--Cluster:Membership:IAmAliveTablePublishTimeout=00:00:02",
    ];

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Silos_join_in_the_database_heartbeat_and_a_killed_silo_is_declared_dead()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var clusterId = $"members-{Guid.NewGuid():N}";
        await using var a = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null, FastMembership);
        await using var b = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null, FastMembership);

        var joined = await MembersAsync(connectionString, clusterId);
        var later = joined;
        var heartbeats = await WaitForAsync(async () =>
        {
            later = await MembersAsync(connectionString, clusterId);
            return later[a.SiloPort].IAmAlive > joined[a.SiloPort].IAmAlive && later[b.SiloPort].IAmAlive > joined[b.SiloPort].IAmAlive;
        }, TimeSpan.FromSeconds(30));
        Assert.True(heartbeats, "no heartbeat from both silos within 30 s (IAmAlive published every 2 s)");
        b.Kill();
        var killedAt = Stopwatch.StartNew();
        var dead = await WaitForAsync(async () => (await MembersAsync(connectionString, clusterId))[b.SiloPort].Status == 6, TimeSpan.FromSeconds(60));
        var declaredAfter = killedAt.Elapsed;
        using var stillServing = await a.Http.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(3, joined[a.SiloPort].Status);
        Assert.Equal(3, joined[b.SiloPort].Status);
        Assert.True(later[a.SiloPort].IAmAlive > joined[a.SiloPort].IAmAlive, "silo A did not heartbeat");
        Assert.True(later[b.SiloPort].IAmAlive > joined[b.SiloPort].IAmAlive, "silo B did not heartbeat");
        Assert.True(dead, $"silo B was not declared dead within 60 s:\n{a.Output}");
        // Measured about 1 s here (the survivor's connection to the killed silo breaks at once, and with two silos its
        // own vote suffices); the bound is 30 s, room for a loaded 2-core machine, and still fails a silo never declared.
        Assert.True(declaredAfter < TimeSpan.FromSeconds(30), $"declared dead after {declaredAfter}");
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
        TestContext.Current.TestOutputHelper?.WriteLine($"killed silo declared Dead in the database after {declaredAfter.TotalSeconds:0.0} s");
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Transfers_in_flight_when_the_silo_is_killed_end_fully_applied_or_not_at_all_and_retries_apply_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var clusterId = $"crash-{Guid.NewGuid():N}";
        var first = await SiloProcess.StartAsync(connectionString, clusterId, "ledger");
        var ports = (first.HttpPort, first.SiloPort, first.GatewayPort);
        const int accountCount = 8;
        const long funding = 10_000;
        var accounts = new List<Guid>();
        for (var i = 0; i < accountCount; i++)
        {
            accounts.Add(await OpenFundedAsync(first.Http, funding));
        }

        var random = new Random(20261123);
        var transfers = Enumerable.Range(0, 400).Select(_ =>
        {
            var from = random.Next(accountCount);
            var to = (from + 1 + random.Next(accountCount - 1)) % accountCount;
            return (Key: Guid.NewGuid().ToString(), Body: new { fromAccountId = accounts[from], toAccountId = accounts[to], amount = (long)random.Next(1, 500) });
        }).ToList();

        // Fire transfers 16 at a time; kill the silo (SIGKILL) once 100 have been answered.
        var answered = 0;
        var inFlight = 0;
        var acknowledged = new Dictionary<string, string>();
        using var killSwitch = new CancellationTokenSource();
        var load = Parallel.ForEachAsync(transfers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = killSwitch.Token }, async (t, ct) =>
        {
            try
            {
                using var response = await PostAsync(first.Http, t.Key, t.Body, ct);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = await response.Content.ReadAsStringAsync(ct);
                    lock (acknowledged)
                    {
                        acknowledged[t.Key] = body;
                    }
                }

                if (Interlocked.Increment(ref answered) == 100)
                {
                    first.Kill();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                // The silo died under this request: its outcome is unknown until retried.
                // A request refused a connection was sent after the silo had died; any other failure (the response
                // ended, the connection was reset, a timeout) cut a request the silo had already received.
                if (e is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
                {
                    Interlocked.Increment(ref inFlight);
                }
            }
        });
        await load;
        Assert.False(first.IsRunning);
        // The test's premise: transfers were in flight when the silo died (received by it, never answered).
        Assert.True(inFlight > 0, $"no transfer was in flight at the kill ({answered} answered; every other request was refused a connection)");
        TestContext.Current.TestOutputHelper?.WriteLine($"{inFlight} transfers were in flight when the silo was killed");

        // Restart in place (same ports: the new generation supersedes the dead one) and retry every key.
        await using var second = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", ports);
        var atRestart = await second.Http.GetFromJsonAsync<JsonElement>("/ledger/reconcile", TestContext.Current.CancellationToken);
        var outcomes = new Dictionary<string, (HttpStatusCode Status, JsonElement Body, string Raw)>();
        foreach (var t in transfers)
        {
            var (status, raw) = await RetryUntilAnsweredAsync(second.Http, t.Key, t.Body);
            outcomes[t.Key] = (status, JsonDocument.Parse(raw).RootElement, raw);
        }

        // Every acknowledged transfer is still there, with the very same answer.
        foreach (var (key, body) in acknowledged)
        {
            Assert.Equal(HttpStatusCode.Created, outcomes[key].Status);
            Assert.Equal(body, outcomes[key].Raw);
        }

        // Balances equal exactly the completed transfers, each applied once; money is conserved.
        var expected = accounts.ToDictionary(a => a, _ => funding);
        foreach (var t in transfers)
        {
            var (status, body, _) = outcomes[t.Key];
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{t.Key}: {status} {body}");
            if (status == HttpStatusCode.Created)
            {
                Assert.Equal("completed", body.GetProperty("status").GetString());
                expected[t.Body.fromAccountId] -= t.Body.amount;
                expected[t.Body.toAccountId] += t.Body.amount;
            }
            else
            {
                Assert.Equal("insufficientFunds", body.GetProperty("code").GetString());
            }
        }

        foreach (var account in accounts)
        {
            var snapshot = await second.Http.GetFromJsonAsync<JsonElement>($"/accounts/{account}", TestContext.Current.CancellationToken);
            Assert.Equal(expected[account], snapshot.GetProperty("balance").GetInt64());
        }

        var report = await second.Http.GetFromJsonAsync<JsonElement>("/ledger/reconcile", TestContext.Current.CancellationToken);
        Assert.True(report.GetProperty("isConsistent").GetBoolean(), report.ToString());
        Assert.Equal(0, report.GetProperty("pendingTransfers").GetInt64());
        Assert.Equal(accountCount * funding, Assert.Single(report.GetProperty("currencies").EnumerateArray()).GetProperty("totalBalance").GetInt64());
        Assert.True(acknowledged.Count >= 50, $"only {acknowledged.Count} transfers were acknowledged before the kill");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"acknowledged before the kill: {acknowledged.Count}; pending (mid-saga) at restart: {atRestart.GetProperty("pendingTransfers").GetInt64()}; " +
            $"completed in the end: {outcomes.Values.Count(o => o.Status == HttpStatusCode.Created)}; refused: {outcomes.Values.Count(o => o.Status == HttpStatusCode.Conflict)}");
        await first.DisposeAsync();
    }

    private static async Task<Guid> OpenFundedAsync(HttpClient http, long amount)
    {
        using var opened = await PostAsync(http, Guid.NewGuid().ToString(), new { owner = "Ada", currency = "EUR" }, CancellationToken.None, "/accounts");
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var funded = await PostAsync(http, Guid.NewGuid().ToString(), new { amount }, CancellationToken.None, $"/accounts/{id}/deposits");
        funded.EnsureSuccessStatusCode();
        return id;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string key, object body, CancellationToken cancellationToken, string path = "/transfers")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return http.SendAsync(request, cancellationToken);
    }

    /// <summary>Retries a transfer until it has a definite answer (not 503), for at most 60 s.</summary>
    private static async Task<(HttpStatusCode, string)> RetryUntilAnsweredAsync(HttpClient http, string key, object body)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await PostAsync(http, key, body, CancellationToken.None);
            var raw = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                return (response.StatusCode, raw);
            }

            await Task.Delay(200);
        }
    }

    private static async Task<Dictionary<int, (int Status, DateTime IAmAlive)>> MembersAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Port, Status, IAmAliveTime FROM OrleansMembershipTable WHERE DeploymentId = $1 ORDER BY Generation", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        var members = new Dictionary<int, (int, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            members[reader.GetInt32(0)] = (reader.GetInt32(1), reader.GetDateTime(2));
        }

        return members;
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
