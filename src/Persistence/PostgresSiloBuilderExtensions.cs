using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MultiCloud.Grains;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Grains.Storage;
using Npgsql;

namespace MultiCloud.Persistence;

/// <summary>Wires a silo to PostgreSQL: membership, grain state, reminders and the ledger read model on one data source.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Everything on PostgreSQL: ADO.NET clustering plus <see cref="AddLedgerPostgresStorage"/>. One
    /// <see cref="NpgsqlDataSource"/> (one connection pool) serves all of them.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string; the schema (db-scripts/) must be applied.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder UseLedgerPostgres(this ISiloBuilder silo, string connectionString)
    {
        silo.AddLedgerPostgresStorage(connectionString);
        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        return silo;
    }

    /// <summary>
    /// Grain storage (ADO.NET, named <paramref name="storageProviderName"/>), ADO.NET reminders and the PostgreSQL
    /// read model, on the shared <see cref="NpgsqlDataSource"/> (registered here unless one is already).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string; the schema (db-scripts/) must be applied.</param>
    /// <param name="storageProviderName">
    /// Name of the ADO.NET grain storage provider; the ledger's storage decorator wraps
    /// <see cref="StateNames.InnerStorageProvider"/>, so only a caller that registers its own provider under that
    /// name (a test wrapping this one) passes another.
    /// </param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddLedgerPostgresStorage(this ISiloBuilder silo, string connectionString, string storageProviderName = StateNames.InnerStorageProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.Services.TryAddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());

        silo.AddAdoNetGrainStorage(storageProviderName, options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;

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

        silo.Services.AddSingleton<ILedgerReadModel, PostgresLedgerReadModel>();
        silo.Services.AddSingleton<ILedgerProjection, DatabaseLedgerProjection>();
        silo.Services.TryAddSingleton<SchemaMigrator>();
        return silo;
    }
}
