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
    private const string OwnerLockName = "owner.lock";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _directory;
    private FileStream? _ownerLock;
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
            // Already stopped by a test, or pg_ctl failed: then the postmaster is killed below, before the delete.
        }

        KillPostmaster(DataDirectory);
        _ownerLock?.Dispose();
        DeleteDirectory(_directory);
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
            var directory = await NewDirectoryAsync();
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

    /// <summary>
    /// Copies this running server with <c>pg_basebackup</c> (fast checkpoint: the default spread one waits up to
    /// minutes) into a new server, not started: a standby that holds what
    /// was committed up to now and nothing written later (what a standby cut off from its primary holds). Start it
    /// with <see cref="StartAsync"/> (it runs as a standby) and make it a primary with <see cref="PromoteAsync"/>, which
    /// starts a new WAL timeline as a failover does. Dispose it like any server.
    /// </summary>
    public async Task<PostgresServer> CloneAsync()
    {
        await EnsureStartedAsync();
        var clone = new PostgresServer();
        var directory = await clone.NewDirectoryAsync();
        await ProcessRunner.RunAsync(Path.Combine(BinDirectory, "pg_basebackup"),
            ["-D", Path.Combine(directory, "data"), "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-U", "postgres", "-X", "stream", "-R", "--no-sync", "--checkpoint=fast"], asPostgres: true);
        clone._directory = directory;
        clone.Port = FreePorts.Next();
        return clone;
    }

    /// <summary>Promotes a (started) standby to a primary and waits until it accepts writes.</summary>
    public Task PromoteAsync() => ProcessRunner.RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-w", "-t", "60", "promote"], asPostgres: true);

    /// <summary>A new directory for a server, locked by this process and owned by the postgres user.</summary>
    private async Task<string> NewDirectoryAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        _ownerLock = TakeOwnerLock(directory) ?? throw new InvalidOperationException($"Cannot lock the new directory {directory}.");
        if (ProcessRunner.IsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["postgres:postgres", directory]);
        }

        return directory;
    }

    private string ServerOptions() =>
        $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c fsync=off -c full_page_writes=off -c max_connections=400 " +
        "-c shared_buffers=64MB -c log_min_messages=warning -c log_min_error_statement=error";

    /// <summary>
    /// Stops servers and deletes directories left by an earlier run that crashed. A directory is a leftover only when
    /// another process made it, that process is gone, and its owner lock (an exclusive lock the owning process holds
    /// until it disposes the server, released by the kernel when it dies) can be taken: a live server of this or any
    /// other test run is never touched, even if its process id were misread.
    /// </summary>
    public static void RemoveLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var name = Path.GetFileName(directory)[DirectoryPrefix.Length..];
            if (!int.TryParse(name.Split('-')[0], out var owner) || owner == Environment.ProcessId || IsAlive(owner))
            {
                continue;
            }

            using var ownerLock = TakeOwnerLock(directory);
            if (ownerLock is null)
            {
                continue;
            }

            KillPostmaster(Path.Combine(directory, "data"));
            DeleteDirectory(directory);
        }
    }

    /// <summary>Kills the postmaster named in the data directory's postmaster.pid, if it still runs, and waits up to 10 s for it.</summary>
    private static void KillPostmaster(string dataDirectory)
    {
        int postmaster;
        try
        {
            if (!int.TryParse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault(), out postmaster))
            {
                return;
            }
        }
        catch (IOException)
        {
            return; // no postmaster.pid: the server is stopped
        }

        try
        {
            // A stale file may name a reused process id: only a postgres process is killed.
            using var process = Process.GetProcessById(postmaster);
            if (process.ProcessName == "postgres")
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Takes the directory's exclusive owner lock (flock), or returns null when a live process holds it.</summary>
    private static FileStream? TakeOwnerLock(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, OwnerLockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes a stopped server's directory. Files vanishing under the walk (a postmaster's last children exiting, a
    /// second cleanup) make one pass fail; the next pass finds what is left, for up to 5 s.
    /// </summary>
    private static void DeleteDirectory(string directory)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
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
