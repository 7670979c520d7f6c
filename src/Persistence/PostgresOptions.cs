using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Persistence;

/// <summary>
/// Where the ledger keeps everything (membership, grain state, reminders, ledger rows), bound from the <c>Database</c>
/// configuration section. With no connection string the silo runs on the embedded in-memory default.
/// </summary>
public sealed class PostgresOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Database";

    /// <summary>
    /// Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Database=ledger;Username=ledger;Password=...</c>.
    /// Empty means no database: the in-memory default. Timeouts are the connection string's own
    /// (<c>Timeout</c>, <c>Command Timeout</c>, <c>Keepalive</c>); see docs/configuration.md.
    /// </summary>
    [Redact]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// When true, the silo applies the schema (db-scripts/) before it starts, under an advisory lock. Off by default:
    /// production applies it with <c>scripts/db-init</c> as a separate, visible step.
    /// </summary>
    public bool ApplySchemaOnStartup { get; set; }

    /// <summary>Seconds a schema script may run before it is cancelled.</summary>
    [Range(1, 3600)]
    public int SchemaCommandTimeoutSeconds { get; set; } = 120;

    /// <summary>True when a connection string is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
