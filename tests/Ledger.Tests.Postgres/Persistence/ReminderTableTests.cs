using Microsoft.Extensions.DependencyInjection;
using MultiCloud.Grains;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using MultiCloud.Tests.Probes;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>The Orleans 10.4.2 ADO.NET reminder provider itself, run against this project's schema, and reminders firing through it.</summary>
public sealed class ReminderTableTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _serviceId = $"reminders-{Guid.NewGuid():N}";
    private string _connectionString = string.Empty;
    private LedgerCluster _cluster = null!;

    private IReminderTable Table => _cluster.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        _cluster = await LedgerCluster.StartOnPostgresAsync(_connectionString, _serviceId,
            configure: silo => silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)));
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Upsert_then_read_round_trips_and_each_upsert_changes_the_ETag()
    {
        var entry = Entry(GrainId.Create("probe", "a"), "tick");

        var first = await Table.UpsertRow(entry);
        entry.Period = TimeSpan.FromMinutes(5);
        var second = await Table.UpsertRow(entry);
        var read = await Table.ReadRow(entry.GrainId, "tick");

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        Assert.Equal(second, read!.ETag);
        Assert.Equal((entry.StartAt, TimeSpan.FromMinutes(5)), (read.StartAt, read.Period));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Remove_needs_the_current_ETag()
    {
        var entry = Entry(GrainId.Create("probe", "b"), "tick");
        var stale = await Table.UpsertRow(entry);
        var current = await Table.UpsertRow(entry);

        var staleRemoved = await Table.RemoveRow(entry.GrainId, "tick", stale!);
        var removed = await Table.RemoveRow(entry.GrainId, "tick", current!);

        Assert.False(staleRemoved);
        Assert.True(removed);
        Assert.Null(await Table.ReadRow(entry.GrainId, "tick"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Rows_of_a_grain_and_hash_ranges_return_exactly_the_matching_reminders()
    {
        var grains = Enumerable.Range(0, 20).Select(i => GrainId.Create("probe", $"range-{i}")).ToList();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "r1"));
            await Table.UpsertRow(Entry(grain, "r2"));
        }

        var hashes = grains.ToDictionary(g => g, g => g.GetUniformHashCode());
        var ordered = hashes.Values.Order().ToList();
        var (begin, end) = (ordered[4], ordered[14]);
        var inRange = await Table.ReadRows(begin, end);
        var wrapped = await Table.ReadRows(end, begin);
        var ofOne = await Table.ReadRows(grains[0]);

        var ours = new HashSet<GrainId>(grains);
        Assert.Equal(2, ofOne.Reminders.Count);
        Assert.Equal(hashes.Where(h => h.Value > begin && h.Value <= end).Select(h => h.Key).ToHashSet(),
            inRange.Reminders.Where(r => ours.Contains(r.GrainId)).Select(r => r.GrainId).ToHashSet());
        Assert.Equal(hashes.Where(h => h.Value > end || h.Value <= begin).Select(h => h.Key).ToHashSet(),
            wrapped.Reminders.Where(r => ours.Contains(r.GrainId)).Select(r => r.GrainId).ToHashSet());
        Assert.Equal(40, inRange.Reminders.Count(r => ours.Contains(r.GrainId)) + wrapped.Reminders.Count(r => ours.Contains(r.GrainId)));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_reminder_registered_through_the_provider_fires()
    {
        var probe = _cluster.Client.GetGrain<IReminderProbeGrain>(Guid.NewGuid());

        await probe.StartAsync(TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await probe.GetTicksAsync() < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        var ticks = await probe.GetTicksAsync();
        await probe.StopAsync();
        Assert.True(ticks >= 2, $"only {ticks} ticks in 20 s");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_maintenance_job_keeps_its_reminder_in_the_database()
    {
        await _cluster.Client.GetGrain<ILedgerMaintenanceGrain>(0).EnsureScheduledAsync();

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Period FROM OrleansRemindersTable WHERE ServiceId = $1 AND ReminderName = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = StateNames.MaintenanceReminder });
        var period = (long?)await command.ExecuteScalarAsync();

        Assert.Equal((long)TimeSpan.FromMinutes(1).TotalMilliseconds, period);
    }

    private static ReminderEntry Entry(GrainId grainId, string name) => new()
    {
        GrainId = grainId,
        ReminderName = name,
        StartAt = new DateTime(2026, 11, 23, 12, 0, 0, 123, DateTimeKind.Utc),
        Period = TimeSpan.FromMinutes(1),
    };
}
