using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MultiCloud.Grains;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Grains.Storage;
using Npgsql;

namespace MultiCloud.Persistence;

/// <summary>Wires a silo to PostgreSQL for everything: membership, grain state, reminders and the ledger read model.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Registers one <see cref="NpgsqlDataSource"/> (a single connection pool) and hands it to Orleans ADO.NET
    /// clustering, the <see cref="StateNames.InnerStorageProvider"/> grain storage and ADO.NET reminders; the ledger
    /// read model queries the same pool.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string; the schema (db-scripts/) must be applied.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ISiloBuilder UseLedgerPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.Services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());

        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        silo.AddAdoNetGrainStorage(StateNames.InnerStorageProvider, options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;

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
        silo.Services.AddSingleton<SchemaMigrator>();
        return silo;
    }
}
