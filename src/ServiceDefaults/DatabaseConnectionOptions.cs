using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MultiCloud.ServiceDefaults;

/// <summary>
/// The driver's timeouts, keepalive and pool, bound from <c>Database:Connection</c> and applied on top of
/// <see cref="DatabaseOptions.ConnectionString"/> (which carries addresses, names and credentials). A profile sets them
/// (docs/configuration.md); an unset value leaves the connection string's value or Npgsql's default. Setting a key both
/// here and in the connection string (to a value other than Npgsql's default) stops start-up: one setting, one place.
/// </summary>
public sealed class DatabaseConnectionOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Database:Connection";

    /// <summary>
    /// Which server of a multi-host <c>Host</c> list a connection goes to (Npgsql <c>Target Session Attributes</c>):
    /// <c>primary</c> for the two-region profile, which lists both regions' servers and lets the driver find the primary.
    /// </summary>
    [RegularExpression("^(any|primary|standby|prefer-primary|prefer-standby|read-write|read-only)$",
        ErrorMessage = "Database:Connection:TargetSessionAttributes must be one of any, primary, standby, prefer-primary, prefer-standby, read-write, read-only.")]
    public string? TargetSessionAttributes { get; set; }

    /// <summary>Longest wait for a connection to open (Npgsql <c>Timeout</c>, whole seconds, 1 s to 1024 s, Npgsql's limit).</summary>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>Longest wait for one command (Npgsql <c>Command Timeout</c>, whole seconds, 1 s to 1 h).</summary>
    public TimeSpan? CommandTimeout { get; set; }

    /// <summary>
    /// Longest wait for the server's answer to the cancel request sent after a command timeout (Npgsql
    /// <c>Cancellation Timeout</c>, milliseconds). Zero means do not wait at all (Npgsql's -1): the connection is
    /// broken at once, so a cancelled COMMIT can never come back as a success.
    /// </summary>
    public TimeSpan? CancellationTimeout { get; set; }

    /// <summary>Idle time after which Npgsql sends a keepalive query on a connection (Npgsql <c>Keepalive</c>, whole seconds).</summary>
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>How long the driver trusts its cached view of a host's role (Npgsql <c>Host Recheck Seconds</c>, whole seconds).</summary>
    public TimeSpan? HostRecheck { get; set; }

    /// <summary>Most connections in the pool (Npgsql <c>Maximum Pool Size</c>).</summary>
    [Range(1, 1000, ErrorMessage = "Database:Connection:MaxPoolSize must be between 1 and 1000.")]
    public int? MaxPoolSize { get; set; }

    /// <summary>The connection string with these options applied.</summary>
    /// <param name="connectionString">Addresses, names and credentials (<see cref="DatabaseOptions.ConnectionString"/>).</param>
    /// <returns>The composed connection string.</returns>
    /// <exception cref="OptionsValidationException">The connection string sets a key that one of these options also sets.</exception>
    public string Apply(string connectionString)
    {
        var (composed, conflicts) = Compose(connectionString);
        return conflicts.Count == 0 ? composed : throw new OptionsValidationException(SectionName, typeof(DatabaseConnectionOptions), conflicts);
    }

    /// <summary>
    /// The keys that <paramref name="connectionString"/> sets to a value other than Npgsql's default and other than the
    /// option's, for an option that is set here: each is one message naming both places.
    /// </summary>
    /// <param name="connectionString">Addresses, names and credentials.</param>
    public IReadOnlyList<string> Conflicts(string connectionString) => Compose(connectionString).Conflicts;

    private (string Composed, List<string> Conflicts) Compose(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var defaults = new NpgsqlConnectionStringBuilder();
        var conflicts = new List<string>();

        void Set<T>(T? value, Func<NpgsqlConnectionStringBuilder, T> read, Action<NpgsqlConnectionStringBuilder, T> write, string option, string keyword)
            where T : struct
        {
            if (value is not { } v)
            {
                return;
            }

            if (!EqualityComparer<T>.Default.Equals(read(builder), read(defaults)) && !EqualityComparer<T>.Default.Equals(read(builder), v))
            {
                conflicts.Add($"'{keyword}' is set both in Database:ConnectionString and in {SectionName}:{option}; keep it in {SectionName}:{option} only.");
                return;
            }

            write(builder, v);
        }

        Set(ConnectTimeout is { } connect ? (int)connect.TotalSeconds : (int?)null, b => b.Timeout, (b, v) => b.Timeout = v, nameof(ConnectTimeout), "Timeout");
        Set(CommandTimeout is { } command ? (int)command.TotalSeconds : (int?)null, b => b.CommandTimeout, (b, v) => b.CommandTimeout = v, nameof(CommandTimeout), "Command Timeout");
        Set(CancellationTimeout is { } cancel ? (cancel == TimeSpan.Zero ? -1 : (int)cancel.TotalMilliseconds) : (int?)null,
            b => b.CancellationTimeout, (b, v) => b.CancellationTimeout = v, nameof(CancellationTimeout), "Cancellation Timeout");
        Set(KeepAlive is { } keepAlive ? (int)keepAlive.TotalSeconds : (int?)null, b => b.KeepAlive, (b, v) => b.KeepAlive = v, nameof(KeepAlive), "Keepalive");
        Set(HostRecheck is { } recheck ? (int)recheck.TotalSeconds : (int?)null, b => b.HostRecheckSeconds, (b, v) => b.HostRecheckSeconds = v, nameof(HostRecheck), "Host Recheck Seconds");
        Set(MaxPoolSize, b => b.MaxPoolSize, (b, v) => b.MaxPoolSize = v, nameof(MaxPoolSize), "Maximum Pool Size");
        if (TargetSessionAttributes is { } target)
        {
            if (builder.TargetSessionAttributes is { } given && !string.Equals(given, target, StringComparison.OrdinalIgnoreCase))
            {
                conflicts.Add($"'Target Session Attributes' is set both in Database:ConnectionString and in {SectionName}:{nameof(TargetSessionAttributes)}; keep it in {SectionName}:{nameof(TargetSessionAttributes)} only.");
            }
            else
            {
                builder.TargetSessionAttributes = target;
            }
        }

        return (builder.ConnectionString, conflicts);
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(ConnectTimeout), ConnectTimeout),
                     (nameof(CommandTimeout), CommandTimeout),
                     (nameof(KeepAlive), KeepAlive),
                     (nameof(HostRecheck), HostRecheck),
                 })
        {
            var most = name == nameof(ConnectTimeout) ? TimeSpan.FromSeconds(1024) : TimeSpan.FromHours(1);
            if (value is { } v && (v.Ticks % TimeSpan.TicksPerSecond != 0 || v < (name == nameof(KeepAlive) ? TimeSpan.Zero : TimeSpan.FromSeconds(1)) || v > most))
            {
                yield return new ValidationResult($"{SectionName}:{name} must be whole seconds between {(name == nameof(KeepAlive) ? "0" : "1 s")} and {most.TotalSeconds:0} s (was {v}).", [name]);
            }
        }

        if (CancellationTimeout is { } cancel && (cancel < TimeSpan.Zero || cancel > TimeSpan.FromMinutes(1) || cancel.Ticks % TimeSpan.TicksPerMillisecond != 0))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(CancellationTimeout)} must be whole milliseconds between 0 (do not wait) and 1 minute (was {cancel}).", [nameof(CancellationTimeout)]);
        }
    }
}
