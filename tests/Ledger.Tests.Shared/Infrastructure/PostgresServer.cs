using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using MultiCloud.Persistence;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the whole test run: initdb in a temporary directory, pg_ctl on a free loopback
/// port (as the postgres user when the tests run as root), started on first use and stopped (directory deleted) when
/// the run ends, pass or fail. Each test class gets its own database with the schema applied.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string DirectoryPrefix = "multicloud-pg-";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _directory;
    private int _databases;

    /// <summary>The loopback port the server listens on (0 until started).</summary>
    public int Port { get; private set; }

    /// <summary>The server binaries (the newest PostgreSQL under /usr/lib/postgresql).</summary>
    public static string BinDirectory { get; } = FindBinDirectory();

    private string DataDirectory => Path.Combine(_directory!, "data");

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Creates a database with the schema applied and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(bool applySchema = true)
    {
        await EnsureStartedAsync();
        var name = $"ledger_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = ConnectionString(name);
        if (applySchema)
        {
            await new SchemaMigrator(NullLogger<SchemaMigrator>.Instance).ApplyAsync(connectionString, TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        return connectionString;
    }

    /// <summary>Stops the server abruptly (simulates losing the database). <see cref="StartAsync"/> brings it back on the same port.</summary>
    public Task StopAsync() => ProcessRunner.RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], asPostgres: true);

    /// <summary>Starts the (stopped) server again on its port.</summary>
    public Task StartAsync() => ProcessRunner.RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
        ["-D", DataDirectory, "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", "60", "-o", ServerOptions(), "start"], asPostgres: true);

    /// <summary>
    /// Sets a server-wide setting (also a custom one such as <c>ledger.region</c>, which <c>ALTER SYSTEM</c> refuses)
    /// by appending it to postgresql.conf, where the last line wins, and reloads the configuration; returns once a new
    /// session sees the value.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server did not apply the value within 5 s.</exception>
    public async Task SetSettingAsync(string name, string value)
    {
        await EnsureStartedAsync();
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"\n{name} = '{value}'\n");
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteNonQueryAsync();

        // pg_reload_conf() only signals the postmaster: wait until a new session sees the value, so the reload (and
        // the signal to every open session, applied before its next command) has happened when this returns.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using var fresh = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
            await fresh.OpenAsync();
            await using var show = new NpgsqlCommand("SELECT coalesce(current_setting($1, true), '')", fresh);
            show.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            if (Equals(await show.ExecuteScalarAsync(), value))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"PostgreSQL did not apply {name} = '{value}' within 5 s.");
    }

    /// <summary>The server log so far (for failure messages).</summary>
    public string ReadLog() => _directory is null ? string.Empty : File.ReadAllText(Path.Combine(_directory, "server.log"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by a test.
        }

        Directory.Delete(_directory, recursive: true);
        _gate.Dispose();
    }

    /// <summary>
    /// A connection string for <paramref name="database"/>: addresses and names only, as a deployment passes it (a silo
    /// started with the single-region profile takes its timeouts and pool from the profile; the tests' own
    /// connections keep Npgsql's bounded defaults).
    /// </summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    private async Task EnsureStartedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_directory is not null)
            {
                return;
            }

            RemoveLeftovers();
            var directory = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            if (ProcessRunner.IsRoot)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", directory]);
            }

            await ProcessRunner.RunAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: true);
            _directory = directory;
            Port = FreePorts.Next();
            await StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private string ServerOptions() =>
        $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c fsync=off -c full_page_writes=off -c max_connections=400 " +
        "-c shared_buffers=64MB -c log_min_messages=warning -c log_min_error_statement=error";

    /// <summary>Stops servers and deletes directories left by an earlier run that crashed (its process is gone).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var name = Path.GetFileName(directory)[DirectoryPrefix.Length..];
            if (!int.TryParse(name.Split('-')[0], out var owner) || IsAlive(owner))
            {
                continue;
            }

            var pidFile = Path.Combine(directory, "data", "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var postmaster) && IsAlive(postmaster))
            {
                Process.GetProcessById(postmaster).Kill(entireProcessTree: true);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            return !Process.GetProcessById(pid).HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).ToList()
            : [];
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them: apt-get install -y postgresql-15 (scripts/test does this).");
    }
}
