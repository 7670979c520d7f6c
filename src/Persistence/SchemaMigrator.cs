using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MultiCloud.Persistence;

/// <summary>
/// Applies db-scripts/ (embedded in this assembly) with DbUp: each script once, in file-name order, each in its own
/// transaction, recorded in <c>public.multicloud_schema_versions</c>. Concurrent runs (several silos starting with
/// <c>Database:ApplySchemaOnStartup</c>) are serialized by a PostgreSQL advisory lock.
/// </summary>
public sealed partial class SchemaMigrator(ILogger<SchemaMigrator> logger)
{
    /// <summary>The table that records applied scripts.</summary>
    public const string JournalTable = "multicloud_schema_versions";

    private const string ResourcePrefix = "db-scripts.";

    // Any constant shared by every migrator of this schema.
    private const long AdvisoryLockKey = 0x4D43_4C45_4447_4552; // "MCLEDGER"

    /// <summary>The embedded script names, in the order they apply.</summary>
    public static IReadOnlyList<string> ScriptNames { get; } = [.. typeof(SchemaMigrator).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)];

    /// <summary>Applies every script not applied yet.</summary>
    /// <param name="connectionString">Npgsql connection string of the target database (it must exist).</param>
    /// <param name="commandTimeout">Timeout per script.</param>
    /// <param name="cancellationToken">Cancels waiting for the advisory lock.</param>
    /// <returns>What was applied.</returns>
    /// <exception cref="SchemaMigrationException">A script failed; its transaction was rolled back.</exception>
    /// <exception cref="NpgsqlException">The database could not be reached.</exception>
    public async Task<SchemaMigrationResult> ApplyAsync(string connectionString, TimeSpan commandTimeout, CancellationToken cancellationToken)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
        {
            take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
            take.CommandTimeout = 0;
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                .WithVariablesDisabled()
                .WithTransactionPerScript()
                .WithExecutionTimeout(commandTimeout)
                .JournalToPostgresqlTable("public", JournalTable)
                .LogTo(new DbUpLog(logger))
                .Build();

            var before = upgrader.GetExecutedScripts();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new SchemaMigrationException(
                    $"Schema script {result.ErrorScript?.Name ?? "(unknown)"} failed and was rolled back: {result.Error?.Message}");
            }

            var applied = result.Scripts.Select(s => s.Name).ToList();
            LogInformationApplied(logger, applied.Count, before.Count);
            return new SchemaMigrationResult(applied, before);
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConnection);
            release.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Schema: {Applied} scripts applied, {AlreadyApplied} were already applied")]
    private static partial void LogInformationApplied(ILogger logger, int applied, int alreadyApplied);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "DbUp: {Message}")]
    private static partial void LogDebugDbUp(ILogger logger, string message);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "DbUp: {Message}")]
    private static partial void LogWarningDbUp(ILogger logger, string message);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "DbUp: {Message}")]
    private static partial void LogErrorDbUp(ILogger logger, string message);

    private sealed class DbUpLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => Debug(format, args);

        public void LogDebug(string format, params object[] args) => Debug(format, args);

        public void LogInformation(string format, params object[] args) => Debug(format, args);

        public void LogWarning(string format, params object[] args) => LogWarningDbUp(logger, Format(format, args));

        public void LogError(string format, params object[] args) => LogErrorDbUp(logger, Format(format, args));

        public void LogError(Exception ex, string format, params object[] args) => LogErrorDbUp(logger, Format(format, args) + ": " + ex.Message);

        private void Debug(string format, object[] args)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
#pragma warning disable CA1873 // Guarded by IsEnabled just above; the analyzer does not see through it.
                LogDebugDbUp(logger, Format(format, args));
#pragma warning restore CA1873
            }
        }

        private static string Format(string format, object[] args) => args.Length == 0
            ? format
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
    }
}
