using Microsoft.Extensions.DependencyInjection;
using MultiCloud.Grains;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.State;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Orleans.Storage;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>The Orleans 10.4.2 ADO.NET grain storage provider itself, run against this project's schema.</summary>
public sealed class GrainStorageTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _serviceId = $"storage-{Guid.NewGuid():N}";
    private string _connectionString = string.Empty;
    private LedgerCluster _cluster = null!;

    private IGrainStorage Storage => _cluster.RealStorageProvider;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        _cluster = await LedgerCluster.StartOnPostgresAsync(_connectionString, _serviceId);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Write_then_read_round_trips_the_state_and_advances_the_ETag()
    {
        var (grainId, state) = NewAccount(balance: 0);

        await Storage.WriteStateAsync(StateNames.Account, grainId, state);
        var firstETag = state.ETag;
        state.State!.Balance = 10;
        state.State!.LastSequence = 1;
        state.State!.NewEntries.Add(Entry(state.State!.Id, 1, 10, 10));
        await Storage.WriteStateAsync(StateNames.Account, grainId, state);
        var read = new GrainState<AccountState>();
        await Storage.ReadStateAsync(StateNames.Account, grainId, read);

        Assert.Equal(Version(1), firstETag);
        Assert.Equal(Version(2), state.ETag);
        Assert.Equal(Version(2), read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal((10L, 1L, "EUR", "Ada"), (read.State!.Balance, read.State!.LastSequence, read.State!.Currency, read.State!.Owner));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Reading_a_grain_never_written_gives_a_fresh_state_and_no_ETag()
    {
        var (grainId, _) = NewAccount(0);
        var read = new GrainState<AccountState>();

        await Storage.ReadStateAsync(StateNames.Account, grainId, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.False(read.State!.IsOpen);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Write_with_a_stale_ETag_is_refused_and_never_overwrites()
    {
        var (grainId, first) = NewAccount(0);
        await Storage.WriteStateAsync(StateNames.Account, grainId, first);
        var second = new GrainState<AccountState>();
        await Storage.ReadStateAsync(StateNames.Account, grainId, second);

        second.State!.Owner = "Second writer";
        await Storage.WriteStateAsync(StateNames.Account, grainId, second);
        first.State!.Owner = "Stale writer";
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateNames.Account, grainId, first));
        var read = new GrainState<AccountState>();
        await Storage.ReadStateAsync(StateNames.Account, grainId, read);

        Assert.Equal(Version(2), read.ETag);
        Assert.Equal("Second writer", read.State!.Owner);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Concurrent_first_writes_of_one_grain_let_exactly_one_win()
    {
        var id = Guid.NewGuid();
        var grainId = AccountGrainId(id);
        var writers = Enumerable.Range(0, 8).Select(_ => Account(id, 0)).ToList();

        var outcomes = await Task.WhenAll(writers.Select(async w =>
        {
            try
            {
                await Storage.WriteStateAsync(StateNames.Account, grainId, w);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM OrleansStorage WHERE ServiceId = $1 AND GrainTypeString = 'ledger-account'"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Clear_deletes_the_state_and_needs_the_current_ETag()
    {
        var (grainId, state) = NewOperation();
        await Storage.WriteStateAsync(StateNames.Operation, grainId, state);
        var stale = new GrainState<LedgerOperationState> { ETag = state.ETag, RecordExists = true, State = state.State };
        await Storage.WriteStateAsync(StateNames.Operation, grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateNames.Operation, grainId, stale));
        await Storage.ClearStateAsync(StateNames.Operation, grainId, state);
        var read = new GrainState<LedgerOperationState>();
        await Storage.ReadStateAsync(StateNames.Operation, grainId, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM ledger.operations WHERE service_id = $1"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Account_writes_maintain_the_ledger_rows()
    {
        var (grainId, state) = NewAccount(0);
        await Storage.WriteStateAsync(StateNames.Account, grainId, state);
        state.State!.Balance = 70;
        state.State!.LastSequence = 2;
        state.State!.NewEntries.AddRange([Entry(state.State!.Id, 1, 100, 100), Entry(state.State!.Id, 2, -30, 70)]);
        await Storage.WriteStateAsync(StateNames.Account, grainId, state);

        Assert.Equal(70L, await ScalarAsync("SELECT balance FROM ledger.accounts WHERE service_id = $1"));
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM ledger.entries WHERE service_id = $1"));
        Assert.Equal(70L, await ScalarAsync("SELECT sum(amount) FROM ledger.entries WHERE service_id = $1"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_write_whose_balance_does_not_match_its_entries_fails_and_stores_nothing()
    {
        var (grainId, state) = NewAccount(0);
        await Storage.WriteStateAsync(StateNames.Account, grainId, state);
        state.State!.Balance = 999;
        state.State!.LastSequence = 1;
        state.State!.NewEntries.Add(Entry(state.State!.Id, 1, 100, 100));

        var error = await Assert.ThrowsAsync<PostgresException>(() => Storage.WriteStateAsync(StateNames.Account, grainId, state));
        var read = new GrainState<AccountState>();
        await Storage.ReadStateAsync(StateNames.Account, grainId, read);

        Assert.Equal("MC001", error.SqlState);
        Assert.Equal(Version(1), read.ETag);
        Assert.Equal(0, read.State!.Balance);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM ledger.entries WHERE service_id = $1"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Ledger_entries_cannot_be_updated_or_deleted()
    {
        var (grainId, state) = NewAccount(0);
        state.State!.Balance = 5;
        state.State!.LastSequence = 1;
        state.State!.NewEntries.Add(Entry(state.State!.Id, 1, 5, 5));
        await Storage.WriteStateAsync(StateNames.Account, grainId, state);

        var update = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync("UPDATE ledger.entries SET amount = 6 WHERE service_id = $1 RETURNING 1"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync("DELETE FROM ledger.entries WHERE service_id = $1 RETURNING 1"));

        Assert.Equal("MC002", update.SqlState);
        Assert.Equal("MC002", delete.SqlState);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Through_the_ledger_decorator_an_ETag_conflict_stays_an_InconsistentStateException()
    {
        var decorator = _cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StateNames.StorageProvider);
        var (grainId, state) = NewAccount(0);
        await decorator.WriteStateAsync(StateNames.Account, grainId, state);
        var stale = new GrainState<AccountState> { State = state.State, ETag = null };

        await Assert.ThrowsAsync<InconsistentStateException>(() => decorator.WriteStateAsync(StateNames.Account, grainId, stale));
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (GrainId, GrainState<AccountState>) NewAccount(long balance)
    {
        var id = Guid.NewGuid();
        return (AccountGrainId(id), Account(id, balance));
    }

    private static GrainState<AccountState> Account(Guid id, long balance) => new()
    {
        State = new AccountState
        {
            Id = id,
            Owner = "Ada",
            Currency = "EUR",
            Balance = balance,
            OpenedAt = DateTimeOffset.UtcNow,
            OpenedBy = id,
        },
    };

    private static (GrainId, GrainState<LedgerOperationState>) NewOperation()
    {
        var key = Guid.NewGuid().ToString();
        var state = new GrainState<LedgerOperationState>
        {
            State = new LedgerOperationState
            {
                IdempotencyKey = key,
                OperationId = Guid.NewGuid(),
                Command = new DepositCommand(Guid.NewGuid(), 5),
                Status = OperationStatus.Pending,
                CreatedAt = DateTimeOffset.UtcNow,
            },
        };
        return (GrainId.Create("ledgeroperation", key), state);
    }

    private static GrainId AccountGrainId(Guid id) => GrainId.Create(GrainType.Create("account"), GrainIdKeyExtensions.CreateGuidKey(id));

    private static LedgerEntry Entry(Guid account, long sequence, long amount, long balanceAfter)
        => new(account, sequence, Guid.NewGuid(), amount > 0 ? EntryKind.Deposit : EntryKind.Withdrawal, amount, balanceAfter, null, DateTimeOffset.UtcNow);

    /// <summary>
    /// The ETag of a grain's <paramref name="write"/>-th write on a fresh server: its WAL timeline (1) in the top bits,
    /// the write's count in the low 23 (db-scripts/0008).
    /// </summary>
    private static string Version(int write) => ((1 << 23) | write).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
