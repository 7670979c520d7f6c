using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultiCloud.Tests.Image;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// Everything one test run makes with podman, under one name prefix (<c>mckube-</c>...): an internal network on a free
/// 198.19.x.0/24, a Secret, the pods <c>podman kube play</c> makes (with their containers and emptyDir volumes), the
/// files handed to it, and podman's pause image if the machine had none; and their removal, pass or fail, with
/// <c>net.ipv4.ip_forward</c> and the NETAVARK chains put back (<see cref="NetavarkState"/>). The silo and PostgreSQL
/// images are built before the run and shared: they stay.
/// </summary>
public sealed class KubePlayRun
{
    private const string PauseImageRepository = "localhost/podman-pause";
    private readonly NetavarkState _netavark;
    private readonly HashSet<string> _imagesBefore;
    private readonly string _directory;

    private KubePlayRun(string prefix, NetavarkState netavark, HashSet<string> imagesBefore)
    {
        Prefix = prefix;
        _netavark = netavark;
        _imagesBefore = imagesBefore;
        _directory = Directory.CreateTempSubdirectory($"{prefix}-").FullName;
    }

    /// <summary>The prefix of every name the run gives (release, network, Secret; pods and volumes follow from it).</summary>
    public string Prefix { get; }

    /// <summary>The network every pod joins.</summary>
    public string Network => $"{Prefix}-net";

    /// <summary>The Secret the chart's <c>database.secretName</c> names.</summary>
    public string SecretName => $"{Prefix}-database";

    /// <summary>The network's first three octets (<c>198.19.x</c>), once created.</summary>
    public string Subnet { get; private set; } = "";

    /// <summary>Records the state to restore (netavark's, the images present) and makes the run's prefix.</summary>
    public static async Task<KubePlayRun> StartAsync()
        => new(Podman.UniquePrefix("mckube"), await NetavarkState.CaptureAsync(), [.. await ImagesAsync()]);

    /// <summary>Creates the internal network.</summary>
    public async Task CreateNetworkAsync() => Subnet = await PodmanNetwork.CreateInternalAsync(Network);

    /// <summary>
    /// Creates the Secret in the form kube play 4.3 reads for <c>secretKeyRef</c>: a JSON object of key to base64 value
    /// (<c>podman secret create</c>). A Secret object played by kube play is stored as YAML, which its own
    /// <c>secretKeyRef</c> lookup then refuses ("secret ... is not valid JSON").
    /// </summary>
    public async Task CreateSecretAsync(IReadOnlyDictionary<string, string> data)
    {
        var file = Path.Combine(_directory, "secret.json");
        // The run's directory is readable by its owner only (a temporary subdirectory is made 0700).
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(data.ToDictionary(d => d.Key, d => Convert.ToBase64String(Encoding.UTF8.GetBytes(d.Value)))));
        try
        {
            await Podman.RunAsync("secret", "create", SecretName, file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// <c>podman kube play --network NETWORK [--ip ADDRESS]... FILE</c> on the objects written to the run's directory as
    /// <paramref name="fileName"/>; kube play gives the addresses to the pods in the order it makes them.
    /// </summary>
    public async Task<string> PlayAsync(string fileName, IEnumerable<JsonObject> objects, params string[] addresses)
    {
        var file = Path.Combine(_directory, fileName);
        await File.WriteAllTextAsync(file, Manifests.ToYamlStream(objects));
        return await Podman.RunAsync(TimeSpan.FromMinutes(2), ["kube", "play", "--network", Network, .. addresses.SelectMany(a => new[] { "--ip", a }), file]);
    }

    /// <summary>Removes everything the run made (each step tried whatever the others did); returns what failed.</summary>
    public async Task<IReadOnlyList<string>> RemoveAllAsync()
    {
        var failures = new List<string>();
        async Task Try(string what, Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (InvalidOperationException exception)
            {
                failures.Add($"{what}: {exception.Message}");
            }
        }

        // A pod's removal takes its containers and the anonymous volumes kube play made for its emptyDirs.
        foreach (var pod in await ListAsync("pod", "ls", "--filter", $"name=^{Prefix}", "--format", "{{.Name}}"))
        {
            await Try($"pod {pod}", () => Podman.RunAsync("pod", "rm", "--force", "--time", "0", pod));
        }

        foreach (var volume in await ListAsync("volume", "ls", "--filter", $"name=^{Prefix}", "--format", "{{.Name}}"))
        {
            await Try($"volume {volume}", () => Podman.RunAsync("volume", "rm", "--force", volume));
        }

        if ((await ListAsync("secret", "ls", "--format", "{{.Name}}")).Contains(SecretName))
        {
            await Try("secret", () => Podman.RunAsync("secret", "rm", SecretName));
        }

        await PodmanNetwork.RemoveAsync(Network);
        foreach (var image in (await ImagesAsync()).Where(i => !_imagesBefore.Contains(i) && i.StartsWith(PauseImageRepository + ":", StringComparison.Ordinal)))
        {
            await Try($"image {image}", () => Podman.RunAsync("rmi", image[(image.LastIndexOf(' ') + 1)..]));
        }

        await Try("ip_forward and NETAVARK chains", async () => failures.AddRange(await _netavark.RestoreAsync()));
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException exception)
        {
            failures.Add($"directory {_directory}: {exception.Message}");
        }

        return failures;
    }

    /// <summary>Whatever of the run is still there: pods, containers, volumes, Secrets, networks with its prefix, images that were not there before.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync()
    {
        var left = new List<string>();
        left.AddRange((await ListAsync("pod", "ls", "--format", "{{.Name}}")).Where(Ours).Select(p => $"pod {p}"));
        left.AddRange((await ListAsync("ps", "--all", "--format", "{{.Names}} {{.PodName}}")).Where(Ours).Select(c => $"container {c}"));
        left.AddRange((await ListAsync("volume", "ls", "--format", "{{.Name}}")).Where(Ours).Select(v => $"volume {v}"));
        left.AddRange((await ListAsync("secret", "ls", "--format", "{{.Name}}")).Where(Ours).Select(s => $"secret {s}"));
        left.AddRange((await ListAsync("network", "ls", "--format", "{{.Name}}")).Where(Ours).Select(n => $"network {n}"));
        left.AddRange((await ImagesAsync()).Where(i => !_imagesBefore.Contains(i)).Select(i => $"image {i}"));
        if (Directory.Exists(_directory))
        {
            left.Add($"directory {_directory}");
        }

        return left;
    }

    private bool Ours(string line) => line.Contains(Prefix, StringComparison.Ordinal);

    /// <summary>Every image as <c>REPOSITORY:TAG ID</c>.</summary>
    private static async Task<IReadOnlyList<string>> ImagesAsync()
        => await ListAsync("images", "--all", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");

    private static async Task<IReadOnlyList<string>> ListAsync(params string[] arguments)
        => (await Podman.RunAsync(arguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
