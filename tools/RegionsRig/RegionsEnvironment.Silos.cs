using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <content>Orleans silos (each with the HTTP API) inside the regions.</content>
public sealed partial class RegionsEnvironment
{
    /// <summary>
    /// The environment of every silo process besides its arguments: runtime settings of this machine, not the
    /// service's configuration (four silos, three etcd members, two PostgreSQL servers and the clients share two cores).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SiloEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Four silos, three etcd members, two PostgreSQL servers and the clients share two cores: workstation GC,
        // non-concurrent, keeps each silo to one GC heap and no background GC thread.
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["HOME"] = "/tmp",
    };

    /// <summary>The silos this environment runs (from its state file).</summary>
    public IReadOnlyList<SiloSpec> Silos => State.Silos;

    /// <summary>The silos of one region.</summary>
    public IEnumerable<SiloSpec> SilosIn(Region region) => State.Silos.Where(s => s.RegionKey == region.Key);

    /// <summary>
    /// Creates the <c>ledger</c> database on the primary (if missing), applies the schema with the silo's own
    /// <c>db-init</c> command, and starts <see cref="RigSiloOptions.PerRegion"/> silos in each region; waits until every
    /// one answers <c>/health/ready</c>; then starts the front door (<see cref="RigSiloOptions.FrontDoor"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The silo build is missing or the schema could not be applied.</exception>
    /// <exception cref="TimeoutException">A silo did not become ready.</exception>
    public async Task StartSilosAsync(RigSiloOptions silos, CancellationToken cancellationToken)
    {
        var assembly = silos.Assembly ?? throw new InvalidOperationException("The path of MultiCloud.Silo.dll is required (--silo-dll).");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} does not exist: build src/Silo in Release first.");
        }

        await CreateLedgerDatabaseAsync(assembly, cancellationToken);
        State.SiloAssembly = assembly;
        State.SiloArguments = [.. silos.ExtraArguments];
        foreach (var region in Region.Databases)
        {
            var clusterId = silos.Topology == ClusterTopology.OneCluster ? $"{Options.Prefix}-ledger" : $"{Options.Prefix}-ledger-{region.Key}";
            for (var i = 0; i < silos.PerRegion; i++)
            {
                State.Silos.Add(new SiloSpec(region.Key, i, clusterId));
            }
        }

        State.Topology = silos.Topology;
        State.Route = silos.Route;
        State.Save();
        foreach (var silo in State.Silos)
        {
            StartSilo(silo);
        }

        foreach (var silo in State.Silos)
        {
            await WaitUntilSiloStartedAsync(silo, TimeSpan.FromSeconds(120), cancellationToken);
        }

        _log($"up: {State.Silos.Count} silos ready ({silos.Topology})");
        if (silos.FrontDoor == FrontDoor.Proxy)
        {
            await StartFrontDoorAsync(cancellationToken);
        }
    }

    /// <summary>Starts (or restarts) one silo in its region's namespace; its output goes to <c>{name}.log</c> (appended).</summary>
    public void StartSilo(SiloSpec silo)
    {
        var region = silo.Region;
        List<string> arguments = [State.SiloAssembly!, .. RigSiloOptions.Arguments(silo, State.Topology, State.Route, State.SiloArguments)];
        State.Pids[silo.Name] = Shell.StartDetached(Options.Namespace(region), null, LogPath(silo.Name), DotnetHost, arguments, SiloEnvironment, append: true);
        State.Save();
    }

    /// <summary>
    /// Restarts any silo whose process has exited, every second, until cancelled — the restart policy Kubernetes would
    /// apply. A silo that finds itself declared dead (frozen or partitioned past the membership timeouts) stops on its
    /// own, as Orleans requires; it comes back as a new silo (a new generation), never as the old one.
    /// </summary>
    /// <param name="restarted">Called with the name of each silo restarted.</param>
    /// <param name="cancellationToken">Ends the supervision.</param>
    public async Task SuperviseSilosAsync(Action<string> restarted, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var silo in State.Silos.Where(s => !State.Pids.TryGetValue(s.Name, out var pid) || !Shell.IsAlive(pid)))
            {
                StartSilo(silo);
                restarted(silo.Name);
            }

            try
            {
                await Task.Delay(1000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until a silo's <c>/health/ready</c> answers 200.</summary>
    /// <exception cref="TimeoutException">It did not in time.</exception>
    /// <param name="silo">The silo.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="failIfExited">Fail at once when its process has exited (false while a supervisor restarts it).</param>
    /// <exception cref="InvalidOperationException">It exited.</exception>
    public async Task WaitUntilSiloReadyAsync(SiloSpec silo, TimeSpan timeout, CancellationToken cancellationToken, bool failIfExited = true)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (State.Pids.TryGetValue(silo.Name, out var pid) && !Shell.IsAlive(pid) && failIfExited)
            {
                var tail = Tail(LogPath(silo.Name), 30);
                throw new SiloExitedException($"{silo.Name} exited before it was ready; see {LogPath(silo.Name)}:\n{tail}",
                    tail.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith("Unhandled exception", StringComparison.Ordinal)) ?? "no unhandled exception logged");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(silo.Api, "/health/ready"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException($"{silo.Name} was not ready within {timeout.TotalSeconds:0} s; see {LogPath(silo.Name)}:\n{Tail(LogPath(silo.Name), 30)}");
    }

    /// <summary>
    /// Waits until a just-started silo is ready, restarting it when it exits during start-up, as Kubernetes restarts a
    /// crashed pod: up to twice, a third exit fails. Silos starting together on two cores, or right after their region
    /// restarted (HAProxy still checking which server leads), can meet a start-up step that gives up on a slow
    /// database (Orleans's reminder table opens its first connection once, with the profile's 1 s connect timeout).
    /// </summary>
    /// <exception cref="SiloExitedException">It exited a third time.</exception>
    /// <exception cref="TimeoutException">It was not ready within <paramref name="timeout"/> (per start).</exception>
    public async Task WaitUntilSiloStartedAsync(SiloSpec silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var start = 1; ; start++)
        {
            try
            {
                await WaitUntilSiloReadyAsync(silo, timeout, cancellationToken);
                return;
            }
            catch (SiloExitedException exception) when (start < 3)
            {
                _log($"{silo.Name} exited during start-up ({exception.LastLine}); restarted ({start} of 2)");
                StartSilo(silo);
            }
        }
    }

    /// <summary>Resident memory of each running silo in bytes (from /proc), by silo name.</summary>
    public IReadOnlyDictionary<string, long> SiloResidentBytes()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var silo in State.Silos)
        {
            if (State.Pids.TryGetValue(silo.Name, out var pid) && Shell.IsAlive(pid))
            {
                var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (line is not null)
                {
                    result[silo.Name] = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Silos the membership table marks Dead (status 6) right now, read on whichever server is primary: evictions the
    /// silos' own votes wrote, whether or not the silo has exited yet.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DeadInMembershipAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("ledger", commandTimeoutSeconds: 10));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT siloname FROM orleansmembershiptable WHERE status = 6 ORDER BY siloname", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var dead = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            dead.Add(reader.GetString(0));
        }

        return dead;
    }

    private async Task CreateLedgerDatabaseAsync(string siloAssembly, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString(commandTimeoutSeconds: 30)))
        {
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = 'ledger'", connection);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand("CREATE DATABASE ledger", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await Shell.RunAsync(DotnetHost, [siloAssembly, "db-init", $"--Profile={RigSiloOptions.Profile}", $"--Database:ConnectionString={RigSiloOptions.ConnectionString(Region.A, PrimaryRoute.MultiHost)}"],
            timeout: TimeSpan.FromMinutes(3));
        _log("up: database 'ledger' created and its schema applied");
    }

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static string Tail(string file, int lines) => File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : "(no log)";
}
