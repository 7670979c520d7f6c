using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Placement;

/// <summary>
/// A placement that cannot complete holds every call to its grain until Orleans's <c>Messaging:PlacementTimeout</c>
/// (default 30 s): a PartitionRegionB drill once stalled an account for 33.5 s this way, its placement waiting on a
/// directory partition owned by an unreachable silo. Reproduced with three silo processes on one PostgreSQL server:
/// silo b (region b) frozen with SIGSTOP while still an Active member (probes are slowed so that nobody declares it
/// dead during the test), so lookups of the grains whose directory partition it owns never answer; the callers' response
/// timeout and the API's answer timeout are raised to a minute, so the placement timeout is the only bound left. New
/// accounts are read through silo a0, which runs the profile's placement timeout, and through silo a1, which runs a
/// longer one as a control: each caller's held calls end at its own bound, so the setting is what bounds the stall.
/// Activations are placed in region a (the primary's), never on the frozen silo.
/// </summary>
public sealed class PlacementStallTests : IAsyncLifetime
{
    /// <summary>The profiles' bound (single-region and two-region), read from the shipped profile by <c>ProfileTests</c>.</summary>
    private static readonly TimeSpan ProfileBound = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ControlBound = TimeSpan.FromSeconds(12);

    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private static readonly string[] Common =
    [
        "--Regions:PrimaryCheckInterval=00:00:00.200",
        "--Dashboard:Enabled=false",
        "--Cluster:Membership:ProbeTimeout=00:00:30",
        "--Cluster:Messaging:ResponseTimeout=00:01:00",
        "--Api:AnswerTimeout=00:01:00",
    ];

    private readonly PostgresServer _postgres = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _postgres.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_placement_waiting_on_a_silo_that_does_not_answer_holds_calls_only_until_the_placement_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await _postgres.CreateDatabaseAsync();
        await _postgres.SetSettingAsync("ledger.region", "a");
        var clusterId = $"stall-{Guid.NewGuid():N}";
        await using var a0 = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null, [.. Common, "--Regions:Region=a"]);
        await using var a1 = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null,
            [.. Common, "--Regions:Region=a", $"--Cluster:Messaging:PlacementTimeout={ControlBound:c}"]);
        await using var b = await SiloProcess.StartAsync(connectionString, clusterId, "ledger", null, [.. Common, "--Regions:Region=b"]);
        await WaitForMembersAsync(a0.Http, 3, ct);

        await FaultProof.SignalAsync(b.Pid, "STOP", $"--Cluster:SiloPort={b.SiloPort}", "silo b", ct);
        try
        {
            var reads = await Task.WhenAll(
                Task.WhenAll(Enumerable.Range(0, 24).Select(_ => ReadNewAccountAsync(a0.Http, ct))),
                Task.WhenAll(Enumerable.Range(0, 24).Select(_ => ReadNewAccountAsync(a1.Http, ct))));
            var (viaProfile, viaControl) = (reads[0], reads[1]);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"through a0 (bound {ProfileBound.TotalSeconds:0} s): {Describe(viaProfile)}\nthrough a1 (bound {ControlBound.TotalSeconds:0} s): {Describe(viaControl)}");

            // The fault landed: some placements waited on the frozen silo, each to its caller's bound and not longer.
            Assert.Contains(viaProfile, r => r.Took >= ProfileBound - TimeSpan.FromMilliseconds(500));
            Assert.Contains(viaControl, r => r.Took >= ControlBound - TimeSpan.FromMilliseconds(500));
            Assert.All(viaProfile, r => Assert.True(r.Took <= ProfileBound + Slack, $"a read through a0 was held {r.Took.TotalSeconds:0.0} s ({r.Status})"));
            Assert.All(viaControl, r => Assert.True(r.Took <= ControlBound + Slack, $"a read through a1 was held {r.Took.TotalSeconds:0.0} s ({r.Status})"));
            // Reads not waiting on the frozen silo answered at once: "no such account".
            Assert.Contains(viaProfile, r => r.Status == HttpStatusCode.NotFound && r.Took < Slack);
        }
        finally
        {
            await FaultProof.SignalAsync(b.Pid, "CONT", $"--Cluster:SiloPort={b.SiloPort}", "silo b", CancellationToken.None);
        }

        // Thawed: nothing is held any more; an account opened now answers through both callers.
        var account = await OpenAsync(a0.Http, ct);
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(a1.Http, account, ct)).Status);
    }

    private static async Task<Read> ReadNewAccountAsync(HttpClient http, CancellationToken ct) => await ReadAsync(http, Guid.NewGuid(), ct);

    private static async Task<Read> ReadAsync(HttpClient http, Guid account, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync($"/accounts/{account}", ct);
        return new Read(response.StatusCode, clock.Elapsed);
    }

    private static async Task<Guid> OpenAsync(HttpClient http, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts") { Content = JsonContent.Create(new { owner = "stall", currency = "EUR" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        return body.GetProperty("id").GetGuid();
    }

    private static async Task WaitForMembersAsync(HttpClient http, int count, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var placement = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/ledger/placement", ct);
            if (placement.TryGetProperty("silos", out var silos) && silos.GetArrayLength() >= count)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"not {count} silos within 60 s: {placement}");
            await Task.Delay(200, ct);
        }
    }

    private static string Describe(Read[] reads) => string.Join(", ", reads.OrderBy(r => r.Took).Select(r => $"{(int)r.Status} in {r.Took.TotalSeconds:0.0} s"));

    private readonly record struct Read(HttpStatusCode Status, TimeSpan Took);
}
