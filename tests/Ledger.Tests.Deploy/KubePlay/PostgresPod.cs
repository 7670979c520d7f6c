using System.Diagnostics;
using System.Text.Json.Nodes;
using MultiCloud.Tests.Image;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// The PostgreSQL pod the chart's pods talk to: test infrastructure (the chart deploys no database; in the clouds the
/// silos reach Patroni's primary through HAProxy), so written here rather than rendered. It runs the image
/// <c>scripts/postgres-image</c> builds (Debian's postgresql-15 from this machine's mirror; no registry), starts from an
/// empty data directory, and takes the role's password from the same podman Secret as the chart's credentials. It is
/// the primary of region <see cref="Region"/>: the two-region profile reads <c>current_setting('ledger.region')</c> on
/// the primary to learn where it is, and with no synchronous standby the replication fence passes at once.
/// </summary>
public static class PostgresPod
{
    /// <summary>The port the server listens on: region a's <c>database.port</c> (HAProxy's port in the clouds), so the chart's value stands.</summary>
    public const int Port = 5000;

    /// <summary>The region the primary is in: the silos' region (region a's values).</summary>
    public const string Region = "a";

    /// <summary>The role and database the entry point creates (<c>database.name</c> of the chart).</summary>
    public const string Database = "ledger";

    /// <summary>The key of the Secret holding the role's password.</summary>
    public const string PasswordKey = "password";

    /// <summary>The image: <c>MULTICLOUD_POSTGRES_IMAGE</c>, or the tag scripts/postgres-image gives by default.</summary>
    public static string Image { get; } = Environment.GetEnvironmentVariable("MULTICLOUD_POSTGRES_IMAGE") is { Length: > 0 } image
        ? image
        : "localhost/multicloud-postgres:15";

    /// <summary>Fails with a clear message unless the image exists (<c>scripts/test --deploy</c> runs scripts/postgres-image first).</summary>
    public static async Task RequireImageAsync()
    {
        try
        {
            await Podman.RunAsync("image", "exists", Image);
        }
        catch (InvalidOperationException)
        {
            Assert.Fail($"image {Image} not found: build it with scripts/postgres-image (scripts/test --deploy does), or name another with MULTICLOUD_POSTGRES_IMAGE");
        }
    }

    /// <summary>The Pod for <c>podman kube play</c>: no ports list (nothing published on the host), a fast throwaway server.</summary>
    public static JsonObject Manifest(string podName, string secretName) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = podName, ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "postgres" } },
        ["spec"] = new JsonObject
        {
            ["restartPolicy"] = "Never",
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "postgres",
                ["image"] = Image,
                ["imagePullPolicy"] = "Never",
                ["args"] = new JsonArray([.. new[]
                {
                    "listen_addresses=*", $"port={Port}", $"ledger.region={Region}", "max_connections=200",
                    "fsync=off", "full_page_writes=off", "synchronous_commit=off",
                }.SelectMany(setting => new JsonNode?[] { "-c", setting })]),
                ["env"] = new JsonArray(new JsonObject
                {
                    ["name"] = "LEDGER_PASSWORD",
                    ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = secretName, ["key"] = PasswordKey } },
                }),
            }),
        },
    };

    /// <summary>The connection string from the host (over the network's bridge) as the role the chart's pods use.</summary>
    public static string ConnectionString(string address, string password)
        => new NpgsqlConnectionStringBuilder
        {
            Host = address, Port = Port, Database = Database, Username = Database, Password = password,
            Timeout = 3, CommandTimeout = 10, Pooling = false,
        }.ConnectionString;

    /// <summary>Returns once the server takes a connection as the ledger role; fails with the logs if the container stops, or after <paramref name="within"/>.</summary>
    public static async Task WaitUntilAcceptingAsync(string connectionString, string container, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var last = "no attempt";
        for (var attempt = 0; clock.Elapsed < within; attempt++)
        {
            // The state once a second: each read is a podman process.
            if (attempt % 4 == 0 && (await Podman.RunAsync("inspect", "--format", "{{.State.Running}}", container)).Trim() != "true")
            {
                Assert.Fail($"{container} stopped:\n{await Podman.RunAsync("logs", container)}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                return;
            }
            catch (NpgsqlException exception)
            {
                last = exception.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }

        Assert.Fail($"PostgreSQL did not take a connection within {within.TotalSeconds} s (last: {last}):\n{await Podman.RunAsync("logs", container)}");
    }
}
