using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>
/// The analyst's role (db-scripts/0009): a login in <c>ledger_analyst</c> reads the ledger through the
/// <c>analytics</c> views, and every other statement (writes through the views, the tables behind them, Orleans's
/// tables and functions, DDL, temporary tables) fails with insufficient_privilege and changes nothing. The ledger is
/// written by the real service first (accounts, deposits, a transfer), so the views are checked against its answers.
/// </summary>
public sealed class AnalystRoleTests(PostgresServer postgres)
{
    /// <summary>SQLSTATE insufficient_privilege: the refusal is about rights, not a mistyped statement.</summary>
    private const string InsufficientPrivilege = "42501";

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_analyst_reads_accounts_entries_transfers_and_totals_through_the_views()
    {
        var (owner, analyst, ledger) = await LedgerWithAnalystAsync();

        var balances = await RowsAsync(analyst, "SELECT account_id, balance FROM analytics.accounts ORDER BY account_id",
            r => (r.GetGuid(0), r.GetInt64(1)));
        var entries = await ScalarAsync<long>(analyst, "SELECT count(*) FROM analytics.entries");
        var transfer = await RowsAsync(analyst, "SELECT from_account_id, to_account_id, amount, status FROM analytics.transfers",
            r => (r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3)));
        var total = await ScalarAsync<decimal>(analyst, "SELECT balance FROM analytics.balances_by_currency WHERE currency = 'EUR'");

        Assert.Equal(ledger.Balances.OrderBy(b => b.Key).Select(b => (b.Key, b.Value)), balances);
        Assert.Equal(await ScalarAsync<long>(owner, "SELECT count(*) FROM ledger.entries"), entries);
        Assert.Equal(4, entries); // two deposits, the transfer's debit and credit
        Assert.Equal((ledger.From, ledger.To, 2_500L, "completed"), Assert.Single(transfer));
        Assert.Equal(15_000m, total);
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("INSERT INTO analytics.accounts (service_id, account_id, owner, currency, balance, last_sequence, opened_at, updated_at) VALUES ('ledger', gen_random_uuid(), 'x', 'EUR', 1, 0, now(), now())")]
    [InlineData("UPDATE analytics.accounts SET balance = balance + 1")]
    [InlineData("DELETE FROM analytics.transfers")]
    [InlineData("SELECT count(*) FROM ledger.accounts")]
    [InlineData("UPDATE ledger.accounts SET balance = 0")]
    [InlineData("SELECT count(*) FROM orleansstorage")]
    [InlineData("SELECT count(*) FROM orleansmembershiptable")]
    [InlineData("SELECT count(*) FROM orleansreminderstable")]
    [InlineData("SELECT orleans_membership_insert_version('analyst')")]
    [InlineData("SELECT ledger.replicated_up_to('0/0')")]
    [InlineData("CREATE TABLE analytics.mine (x int)")]
    [InlineData("CREATE TABLE public.mine (x int)")]
    [InlineData("CREATE TEMPORARY TABLE mine (x int)")]
    [InlineData("CREATE VIEW analytics.mine AS SELECT 1 AS x")]
    [InlineData("DROP VIEW analytics.accounts")]
    public async Task Everything_but_reading_the_views_is_refused_and_changes_nothing(string statement)
    {
        var (owner, analyst, _) = await LedgerWithAnalystAsync();
        var before = await LedgerSnapshotAsync(owner);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(analyst, statement));

        Assert.True(error.SqlState == InsufficientPrivilege, $"{statement}: {error.SqlState} {error.MessageText}");
        Assert.Equal(before, await LedgerSnapshotAsync(owner));
        Assert.Equal(0L, await ScalarAsync<long>(owner, "SELECT count(*) FROM pg_class WHERE relname = 'mine'"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_schema_owner_can_do_what_the_analyst_cannot_so_the_refusals_are_about_rights()
    {
        var (owner, _, _) = await LedgerWithAnalystAsync();

        // The positive control of the refusals above: the same kinds of statement, as the role that applied the schema,
        // inside a transaction that is rolled back.
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        foreach (var statement in new[]
        {
            "SELECT count(*) FROM ledger.accounts", "SELECT count(*) FROM orleansstorage", "CREATE TEMPORARY TABLE mine (x int)",
            "CREATE TABLE analytics.mine (x int)", "SELECT ledger.replicated_up_to('0/0')",
        })
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_role_has_no_login_of_its_own_and_members_inherit_only_the_views()
    {
        var (owner, _, _) = await LedgerWithAnalystAsync();

        Assert.False(await ScalarAsync<bool>(owner, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ledger_analyst'"));
        var granted = await RowsAsync(owner,
            "SELECT table_schema || '.' || table_name || ':' || privilege_type FROM information_schema.role_table_grants WHERE grantee = 'ledger_analyst' ORDER BY 1",
            r => r.GetString(0));
        Assert.Equal(["analytics.accounts:SELECT", "analytics.balances_by_currency:SELECT", "analytics.entries:SELECT", "analytics.transfers:SELECT"], granted);
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("GRANT TEMPORARY ON DATABASE {0} TO ledger_analyst")]
    [InlineData("GRANT CREATE ON SCHEMA public TO ledger_analyst")]
    public async Task The_scripts_final_check_stops_when_the_role_could_do_more_than_read_the_views(string grant)
    {
        var owner = await postgres.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(owner).Database!;
        // The script as shipped: embedded in the assembly that applies it.
        await using var stream = typeof(MultiCloud.Persistence.SchemaMigrator).Assembly.GetManifestResourceStream("db-scripts.0009_analyst_role.sql")!;
        var script = await new StreamReader(stream).ReadToEndAsync(TestContext.Current.CancellationToken);
        var check = script[script.IndexOf("-- What the above relies on, checked", StringComparison.Ordinal)..];

        await ExecuteAsync(owner, check); // the control: as applied, the check passes
        await ExecuteAsync(owner, string.Format(System.Globalization.CultureInfo.InvariantCulture, grant, database));
        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(owner, check));

        Assert.Equal(InsufficientPrivilege, error.SqlState);
        Assert.Contains("can still create temporary tables or objects in schema public", error.MessageText, StringComparison.Ordinal);
    }

    /// <summary>
    /// A fresh database with the schema, written by the real service (two accounts funded with 10,000 and 5,000 minor
    /// units, a transfer of 2,500), and a login role in ledger_analyst. Returns both connection strings.
    /// </summary>
    private async Task<(string Owner, string Analyst, WrittenLedger Ledger)> LedgerWithAnalystAsync()
    {
        var owner = await postgres.CreateDatabaseAsync();
        WrittenLedger ledger;
        await using (var api = await ApiHost.StartAsync(owner))
        {
            var from = await api.OpenAccountAsync(deposit: 10_000);
            var to = await api.OpenAccountAsync(deposit: 5_000);
            using var response = await api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 2_500 }, Guid.NewGuid().ToString());
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            ledger = new(from, to, new Dictionary<Guid, long> { [from] = await api.BalanceAsync(from), [to] = await api.BalanceAsync(to) });
        }

        var login = $"analyst_{Guid.NewGuid():N}";
        await ExecuteAsync(owner, $"CREATE ROLE {login} LOGIN IN ROLE ledger_analyst");
        var analyst = new NpgsqlConnectionStringBuilder(owner) { Username = login, Pooling = false }.ConnectionString;
        return (owner, analyst, ledger);
    }

    /// <summary>Every ledger and Orleans row, as text, in a fixed order: equal snapshots mean nothing changed.</summary>
    private static async Task<string> LedgerSnapshotAsync(string connectionString) => string.Join('\n', await RowsAsync(connectionString,
        """
        SELECT 'a ' || a::text FROM ledger.accounts a
        UNION ALL SELECT 'e ' || e::text FROM ledger.entries e
        UNION ALL SELECT 't ' || t::text FROM ledger.transfers t
        UNION ALL SELECT 's ' || concat_ws(' ', s.graintypestring, s.grainidn0, s.grainidn1, s.version, md5(s.payloadbinary)) FROM orleansstorage s
        UNION ALL SELECT 'v ' || concat_ws(' ', v.deploymentid, v.version) FROM orleansmembershipversiontable v
        ORDER BY 1
        """, r => r.GetString(0)));

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task<List<T>> RowsAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private sealed record WrittenLedger(Guid From, Guid To, IReadOnlyDictionary<Guid, long> Balances);
}
