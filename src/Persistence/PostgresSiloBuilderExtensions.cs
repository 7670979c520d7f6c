using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MultiCloud.Grains;
using Microsoft.Extensions.Options;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Grains.Storage;
using MultiCloud.Regions.Fencing;
using MultiCloud.ServiceDefaults;
using Npgsql;

namespace MultiCloud.Persistence;

/// <summary>Wires a silo to PostgreSQL: membership, grain state, reminders and the ledger read model on one data source.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Everything on PostgreSQL: ADO.NET clustering plus <see cref="AddLedgerPostgresStorage"/>, on one
    /// <see cref="NpgsqlDataSource"/> (one connection pool) made from <c>Database:ConnectionString</c> with
    /// <c>Database:Connection</c> applied (<see cref="DatabaseConnectionOptions"/>). The multi-region side (primary
    /// discovery, membership that waits out a failover) is added by <c>UseRegionsOnPostgres</c> after this call.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder UseLedgerPostgres(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(sp => CreateDataSource(
            sp.GetRequiredService<IOptions<DatabaseConnectionOptions>>().Value.Apply(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!),
            sp.GetRequiredService<ILoggerFactory>()));
        silo.AddLedgerPostgresStorage();
        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        return silo;
    }

    /// <summary>
    /// The shared data source. Unless the connection string says otherwise, pooled connections are not reset when
    /// returned to the pool (<c>No Reset On Close</c>): nothing here keeps session state, and the reset
    /// (<c>DISCARD ALL</c>) would also throw away the cached plans of the storage functions, re-planning every
    /// statement inside them on every call (measured: see docs/benchmarks.md).
    /// </summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="loggerFactory">Npgsql's logging.</param>
    /// <returns>The data source.</returns>
    public static NpgsqlDataSource CreateDataSource(string connectionString, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString).UseLoggerFactory(loggerFactory);
        // The plain builder holds only the keys actually written (Npgsql's own answers true for every keyword).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        return builder.Build();
    }

    /// <summary>
    /// Grain storage (ADO.NET, named <paramref name="storageProviderName"/>), ADO.NET reminders and the PostgreSQL
    /// read model, on the shared <see cref="NpgsqlDataSource"/> (registered here unless one is already).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">
    /// Npgsql connection string (the schema, db-scripts/, must be applied); null when a data source is registered
    /// already (<see cref="UseLedgerPostgres"/>).
    /// </param>
    /// <param name="storageProviderName">
    /// Name of the ADO.NET grain storage provider; the ledger's storage decorator wraps
    /// <see cref="StateNames.InnerStorageProvider"/>, so only a caller that registers its own provider under that
    /// name (a test wrapping this one) passes another.
    /// </param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddLedgerPostgresStorage(this ISiloBuilder silo, string? connectionString = null, string storageProviderName = StateNames.InnerStorageProvider)
    {
        if (connectionString is not null)
        {
            silo.Services.TryAddSingleton(sp => CreateDataSource(connectionString, sp.GetRequiredService<ILoggerFactory>()));
        }

        silo.AddAdoNetGrainStorage(storageProviderName, options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;

            // Sees the "committed locally, might not have been replicated" warning that would otherwise pass as success.
            o.DataSource = new NoticeObservingDataSource(dataSource);

            // JSON, which the write function reads to maintain the ledger tables in the same transaction.
            o.GrainStorageSerializer = new LedgerStateSerializer();

            // Purged idempotency records leave no row behind.
            o.DeleteStateOnClear = true;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));

        silo.Services.AddValidatedOptions<ReplicationFenceOptions>(ReplicationFenceOptions.SectionName);
        silo.Services.AddSingleton<ILedgerReadModel, PostgresLedgerReadModel>();
        silo.Services.AddSingleton<ILedgerProjection, DatabaseLedgerProjection>();
        silo.Services.TryAddSingleton<SchemaMigrator>();
        return silo;
    }
}
