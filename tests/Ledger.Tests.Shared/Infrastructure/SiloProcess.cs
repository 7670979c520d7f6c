using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// The real silo host (src/Silo, as built) in its own OS process on loopback ports, so that a test can kill it
/// with SIGKILL like a crashed machine. Stopped (killed) on dispose, pass or fail.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloProcess(Process process, int httpPort, int siloPort, int gatewayPort)
    {
        _process = process;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The HTTP port.</summary>
    public int HttpPort { get; }

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>A client of this silo's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>The operating-system process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The last lines the process wrote (for failure messages).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts a silo process with the single-region profile and waits until <c>/health/ready</c> answers 200.</summary>
    /// <param name="connectionString">The database (schema applied).</param>
    /// <param name="clusterId">Cluster id; silos with the same id form one cluster.</param>
    /// <param name="serviceId">Service id.</param>
    /// <param name="ports">HTTP, silo and gateway ports; fresh ones when null (pass a dead silo's ports to restart it in place).</param>
    /// <param name="extraArgs">More configuration arguments.</param>
    public static async Task<SiloProcess> StartAsync(string connectionString, string clusterId, string serviceId,
        (int Http, int Silo, int Gateway)? ports = null, params string[] extraArgs)
    {
        var (http, silo, gateway) = ports ?? (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        var directory = AppContext.BaseDirectory;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(directory, "MultiCloud.Silo.dll"),
                     "--Profile=single-region",
                     "--urls", $"http://127.0.0.1:{http}",
                     $"--Cluster:ClusterId={clusterId}",
                     $"--Cluster:ServiceId={serviceId}",
                     $"--Cluster:SiloPort={silo}",
                     $"--Cluster:GatewayPort={gateway}",
                     "--Cluster:AdvertisedAddress=127.0.0.1",
                     $"--Database:ConnectionString={connectionString}",
                     "--Logging:LogLevel:Default=Warning",
                     "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
                 }.Concat(extraArgs))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the silo process.");
        var handle = new SiloProcess(process, http, silo, gateway);
        await handle.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return handle;
    }

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown, no deactivation, connections reset; waits (10 s at most) for it to exit.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo process exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Kill();
        throw new TimeoutException($"The silo process was not ready within {timeout}:\n{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 300)
        {
            _output.TryDequeue(out _);
        }
    }
}
