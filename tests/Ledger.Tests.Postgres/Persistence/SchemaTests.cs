using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using MultiCloud.Persistence;
using MultiCloud.Silo.Hosting;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Persistence;

public sealed partial class SchemaTests(PostgresServer postgres)
{
    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Schema_applies_every_script_once_and_a_second_run_applies_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applySchema: false);
        var migrator = new SchemaMigrator(NullLogger<SchemaMigrator>.Instance);

        var first = await migrator.ApplyAsync(connectionString, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        var second = await migrator.ApplyAsync(connectionString, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(SchemaMigrator.ScriptNames, first.Applied);
        Assert.Equal(9, first.Applied.Count); // db-scripts/0001 to 0009
        Assert.Empty(second.Applied);
        Assert.Equal(first.Applied, second.AlreadyApplied);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Concurrent_schema_runs_are_serialized_and_apply_each_script_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applySchema: false);
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            new SchemaMigrator(NullLogger<SchemaMigrator>.Instance).ApplyAsync(connectionString, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)));

        Assert.Equal(SchemaMigrator.ScriptNames.Count, runs.Sum(r => r.Applied.Count));
        Assert.Single(runs, r => r.Applied.Count == SchemaMigrator.ScriptNames.Count);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Db_init_verb_applies_the_schema_and_is_idempotent()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applySchema: false);

        var first = await SchemaCommand.RunAsync([$"--Database:ConnectionString={connectionString}"]);
        var second = await SchemaCommand.RunAsync([$"--Database:ConnectionString={connectionString}"]);
        var missing = await SchemaCommand.RunAsync([]);

        Assert.Equal(0, first);
        Assert.Equal(0, second);
        Assert.Equal(2, missing);
        Assert.Equal(SchemaMigrator.ScriptNames.Count, await ScalarAsync<long>(connectionString, $"SELECT count(*) FROM public.{SchemaMigrator.JournalTable}"));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Query_catalog_holds_every_query_key_the_Orleans_AdoNet_assemblies_in_use_reference()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var referenced = new[]
            {
                typeof(Orleans.Runtime.MembershipService.AdoNetClusteringTable).Assembly.Location,
                typeof(Orleans.Storage.AdoNetGrainStorage).Assembly.Location,
                typeof(Orleans.Configuration.AdoNetReminderTableOptions).Assembly.Location,
            }
            .SelectMany(QueryKeysReferencedBy)
            .ToHashSet(StringComparer.Ordinal);

        var installed = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                installed.Add(reader.GetString(0));
            }
        }

        // 10.4.2: 10 clustering keys (incl. the optional CleanupDefunctSiloEntryKey), 4 storage keys, 7 reminder keys.
        Assert.Equal(21, referenced.Count);
        Assert.Empty(referenced.Except(installed));
        Assert.Empty(installed.Except(referenced));
    }

    /// <summary>Every "...Key" string literal in the assembly, plus keys quoted inside literal SQL (the storage provider's init query).</summary>
    private static IEnumerable<string> QueryKeysReferencedBy(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var handle = MetadataTokens.UserStringHandle(1);
        var keys = new List<string>();
        while (!handle.IsNil)
        {
            var value = metadata.GetUserString(handle);
            if (KeyLiteral().IsMatch(value) && value is not "QueryKey" and not "SerializerKey")
            {
                keys.Add(value);
            }

            keys.AddRange(QuotedKey().Matches(value).Select(m => m.Groups[1].Value));
            handle = metadata.GetNextHandle(handle);
        }

        return keys;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("^[A-Z][A-Za-z0-9]+Key$")]
    private static partial Regex KeyLiteral();

    [GeneratedRegex("'([A-Z][A-Za-z0-9]+Key)'")]
    private static partial Regex QuotedKey();
}
