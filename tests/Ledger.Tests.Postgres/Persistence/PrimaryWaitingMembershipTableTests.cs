using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MultiCloud.Regions.Membership;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>
/// The membership table as silos on PostgreSQL use it: the Orleans ADO.NET table inside
/// <see cref="PrimaryWaitingMembershipTable"/>. A server of its own, because the tests stop it.
/// </summary>
public sealed class PrimaryWaitingMembershipTableTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().BuildServiceProvider();
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";
    private string _connectionString = string.Empty;

    public async ValueTask InitializeAsync() => _connectionString = await _postgres.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_suspicion_vote_cast_while_the_database_is_down_lands_once_it_is_back_instead_of_failing()
    {
        var table = await CreateTableAsync(primaryWaitMs: 30_000);
        var entry = Entry(1);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadRowAsync(entry.SiloAddress);
        var (row, etag) = read.Members[0];
        row.AddOrUpdateSuspector(Entry(2).SiloAddress, DateTime.UtcNow, 2);

        await _postgres.StopAsync();
        var clock = Stopwatch.StartNew();
        var vote = table.UpdateRowAsync(row, etag, read.Version.Next());
        // An observation window, not synchronization: for 2 s with no server the vote must still be waiting (it
        // would fail within milliseconds without the primary wait).
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.False(vote.IsCompleted, "the vote finished while no server was running");
        await _postgres.StartAsync();

        Assert.True(await vote.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        // It landed after the server came back (>= the 2 s window), well inside the 30 s primary wait.
        Assert.InRange(clock.Elapsed.TotalSeconds, 2, 20);
        var (stored, _) = (await table.ReadRowAsync(entry.SiloAddress)).Members[0];
        Assert.Single(stored.SuspectTimes!);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task When_the_database_stays_down_the_operation_fails_with_the_drivers_error_after_the_wait()
    {
        var table = await CreateTableAsync(primaryWaitMs: 1_500);
        await _postgres.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => table.ReadAllAsync());

            Assert.True(PrimaryUnavailable.Is(error));
            // Failed after the 1.5 s primary wait, not at once: 0.1 s below for timer granularity, about 6x above.
            Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 10);
        }
        finally
        {
            await _postgres.StartAsync();
        }
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task An_error_a_retry_cannot_fix_is_not_retried()
    {
        var table = await CreateTableAsync(primaryWaitMs: 30_000);
        await ExecuteAsync("ALTER TABLE orleansmembershiptable RENAME TO orleansmembershiptable_gone");
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<PostgresException>(() => table.ReadAllAsync());

            Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);
            Assert.False(PrimaryUnavailable.Is(error));
            // Not retried: far below the 30 s primary wait it would otherwise use up (5 s leaves a loaded machine room).
            Assert.InRange(clock.Elapsed.TotalSeconds, 0, 5);
        }
        finally
        {
            await ExecuteAsync("ALTER TABLE orleansmembershiptable_gone RENAME TO orleansmembershiptable");
        }
    }

    private async Task<PrimaryWaitingMembershipTable> CreateTableAsync(int primaryWaitMs)
    {
        // Short driver timeouts, as on the failover path: each attempt against a stopped server fails fast.
        var inner = new AdoNetClusteringTable(
            _services,
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "ledger" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = _connectionString + ";Timeout=2;Command Timeout=3;Pooling=false" }),
            NullLogger<AdoNetClusteringTable>.Instance);
        var table = new PrimaryWaitingMembershipTable(inner, Options.Create(new MembershipWaitOptions { PrimaryWait = TimeSpan.FromMilliseconds(primaryWaitMs), RetryDelay = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System, NullLogger<PrimaryWaitingMembershipTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static MembershipEntry Entry(int n)
    {
        var time = DateTime.UtcNow;
        time = new DateTime(time.Ticks - (time.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 11110 + n), 100 + n),
            HostName = "host",
            SiloName = $"silo-{n}",
            Status = SiloStatus.Active,
            ProxyPort = 30000 + n,
            StartTime = time,
            IAmAliveTime = time,
        };
    }
}
