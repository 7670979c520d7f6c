using System.ComponentModel.DataAnnotations;

namespace MultiCloud.ServiceDefaults;

/// <summary>
/// Where the ledger keeps everything (membership, grain state, reminders, ledger rows), bound from the <c>Database</c>
/// configuration section. The profile decides whether there is a database at all (<see cref="DeploymentProfile"/>);
/// the driver's timeouts and pool are <see cref="DatabaseConnectionOptions"/> (<c>Database:Connection</c>).
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Database";

    /// <summary>
    /// Npgsql connection string with addresses, names and credentials, e.g.
    /// <c>Host=pg-a,pg-b;Port=5432;Database=ledger;Username=ledger;Password=...</c>. Required by the database profiles,
    /// refused by the in-memory one. Timeouts and pool size belong in <c>Database:Connection</c>.
    /// </summary>
    [Redact]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// When true, the silo applies the schema (db-scripts/) before it starts, under an advisory lock. Off by default:
    /// production applies it with <c>scripts/db-init</c> as a separate, visible step.
    /// </summary>
    public bool ApplySchemaOnStartup { get; set; }

    /// <summary>How long one schema script may run before it is cancelled (whole seconds). Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Database:SchemaCommandTimeout must be between 1 s and 1 hour.")]
    public TimeSpan SchemaCommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>True when a connection string is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
