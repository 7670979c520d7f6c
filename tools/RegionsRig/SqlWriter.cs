using System.Text.Json;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <summary>
/// A client of the database that records the fate of every commit it attempts: a bounded loop of single-row inserts,
/// one every <c>interval</c>, through a multi-host connection string that finds the primary, with connect, command and
/// TCP timeouts (a COMMIT sent to a partitioned primary otherwise hangs forever). Each attempt is logged before it is
/// sent and again with its outcome:
/// <list type="bullet">
/// <item><c>ack</c>: the commit returned success and no warning said it might not be replicated;</item>
/// <item><c>failed</c>: definitely not committed — the connection could not be opened, or the server answered the
/// statement with an error (not a shutdown);</item>
/// <item><c>unknown</c>: anything else — a timeout, a connection lost after sending, a shutdown during the statement,
/// or a commit whose synchronous-replication wait was cancelled ("committed locally, but might not have been
/// replicated"), which is never an acknowledgement.</item>
/// </list>
/// </summary>
public static class SqlWriter
{
    /// <summary>The table the writers insert into (in the <c>postgres</c> database).</summary>
    public const string Table = "checker_writes";

    /// <summary>Creates the table on the current primary.</summary>
    public static async Task CreateTableAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(RegionsEnvironment.ConnectionString(commandTimeoutSeconds: 30));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {Table} (id bigint PRIMARY KEY, writer text NOT NULL, seq bigint NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp())",
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes until <paramref name="stopFile"/> exists or <paramref name="maxDuration"/> passes.</summary>
    /// <param name="name">Writer name.</param>
    /// <param name="index">Writer number (1, 2...): ids are index × 10⁹ + seq.</param>
    /// <param name="connectionString">Where to write.</param>
    /// <param name="logPath">The JSON-lines log.</param>
    /// <param name="interval">Pause between attempts.</param>
    /// <param name="maxDuration">Hard bound of the loop.</param>
    /// <param name="stopFile">The loop ends when this file exists.</param>
    /// <param name="cancellationToken">Ends the loop.</param>
    public static async Task RunAsync(string name, int index, string connectionString, string logPath, TimeSpan interval, TimeSpan maxDuration,
        string stopFile, CancellationToken cancellationToken)
    {
        await using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var started = DateTimeOffset.UtcNow;
        NpgsqlConnection? connection = null;
        string? warning = null;
        for (long seq = 1; DateTimeOffset.UtcNow - started < maxDuration && !File.Exists(stopFile) && !cancellationToken.IsCancellationRequested; seq++)
        {
            var id = (index * 1_000_000_000L) + seq;
            await WriteAsync(log, new WriteOutcome(name, seq, id, "begin", null, Now(), null, null));
            string outcome;
            string? error = null;
            string? server = null;
            if (connection is null)
            {
                connection = new NpgsqlConnection(connectionString);
                connection.Notice += (_, e) => warning = e.Notice.MessageText + " " + e.Notice.Detail;
                try
                {
                    await connection.OpenAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
                {
                    await connection.DisposeAsync();
                    connection = null;
                    await WriteAsync(log, new WriteOutcome(name, seq, id, "end", "failed", Now(), null, $"connect: {exception.Message}"));
                    await Task.Delay(interval, cancellationToken);
                    continue;
                }
            }

            try
            {
                server = connection.Host;
                warning = null;
                await using var command = new NpgsqlCommand($"INSERT INTO {Table} (id, writer, seq) VALUES ($1, $2, $3)", connection);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
                await command.ExecuteNonQueryAsync(cancellationToken);
                if (warning is not null && IsUnreplicatedCommit(warning))
                {
                    outcome = "unknown";
                    error = warning;
                }
                else
                {
                    outcome = "ack";
                }
            }
            catch (PostgresException exception) when (IsDefiniteFailure(exception) && !IsUnreplicatedCommit(warning))
            {
                outcome = "failed";
                error = $"{exception.SqlState}: {exception.MessageText}";
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException or IOException or InvalidOperationException)
            {
                outcome = "unknown";
                error = $"{exception.GetType().Name}: {exception.Message} {warning}";
                await connection.DisposeAsync();
                connection = null;
            }

            await WriteAsync(log, new WriteOutcome(name, seq, id, "end", outcome, Now(), server, error));
            await Task.Delay(interval, cancellationToken);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>Reads a writer log.</summary>
    public static IReadOnlyList<WriteOutcome> ReadLog(string path) => File.Exists(path)
        ? [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<WriteOutcome>(l)!)]
        : [];

    /// <summary>True for a server warning that a commit's synchronous-replication wait was cut short.</summary>
    public static bool IsUnreplicatedCommit(string? message) => message is not null
        && (message.Contains("might not have been replicated", StringComparison.OrdinalIgnoreCase)
            || message.Contains("wait for synchronous replication", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// True when the server's error means the statement's transaction did not commit: an ERROR (not FATAL or PANIC,
    /// which end the session and may interrupt a commit) other than an administrator or crash shutdown.
    /// </summary>
    public static bool IsDefiniteFailure(PostgresException exception)
        => exception.InvariantSeverity == "ERROR" && exception.SqlState is not ("57P01" or "57P02" or "57P03");

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static Task WriteAsync(StreamWriter log, WriteOutcome outcome) => log.WriteLineAsync(JsonSerializer.Serialize(outcome));
}
