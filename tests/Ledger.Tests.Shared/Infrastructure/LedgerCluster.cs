using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiCloud.Grains;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Grains.Storage;
using MultiCloud.Persistence;
using MultiCloud.ServiceDefaults;
using MultiCloud.Silo.Hosting;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans test cluster running the ledger grains with the production wiring, in memory or on a real
/// PostgreSQL database, with a <see cref="StorageGate"/> in front of the real storage and a fake ledger clock.
/// </summary>
public sealed class LedgerCluster : IAsyncDisposable
{
    private const string RealStorage = "ledger-store-real";

    private LedgerCluster(InProcessTestCluster cluster, StorageGate gate, FakeTimeProvider time)
    {
        Cluster = cluster;
        Gate = gate;
        Time = time;
    }

    /// <summary>The Orleans test cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>Holds or fails chosen writes.</summary>
    public StorageGate Gate { get; }

    /// <summary>The ledger's clock (Orleans keeps its own): advance it to age operations.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The cluster client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Starts a cluster on memory storage (one read model shared by all silos, like the database would be).</summary>
    public static Task<LedgerCluster> StartInMemoryAsync(int silos = 1, Action<LedgerOptions>? options = null, Action<ISiloBuilder>? configure = null)
    {
        var readModel = new InMemoryLedgerReadModel();
        return StartAsync(silos, options, null, configure, silo =>
        {
            silo.AddMemoryGrainStorage(RealStorage, o => o.GrainStorageSerializer = new LedgerStateSerializer());
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<ILedgerReadModel>(readModel);
            silo.Services.AddSingleton<ILedgerProjection>(readModel);
        });
    }

    /// <summary>
    /// Starts a cluster whose grain state, reminders and read model are on PostgreSQL (membership stays in the test host),
    /// with the single-region profile's driver settings (<c>Database:Connection</c>) applied to the connection string.
    /// </summary>
    public static Task<LedgerCluster> StartOnPostgresAsync(
        string connectionString, string serviceId, int silos = 1, Action<LedgerOptions>? options = null, Action<ISiloBuilder>? configure = null)
    {
        var profile = new ConfigurationBuilder().AddInMemoryCollection(DeploymentProfile.SettingsOf(DeploymentProfile.SingleRegion)).Build();
        var connection = profile.GetSection(DatabaseConnectionOptions.SectionName).Get<DatabaseConnectionOptions>()!;
        return StartAsync(silos, options, serviceId, configure, silo => silo.AddLedgerPostgresStorage(connection.Apply(connectionString), RealStorage));
    }

    /// <summary>The real storage provider of the first active silo (behind the gate and the ledger decorator).</summary>
    public IGrainStorage RealStorageProvider => Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(RealStorage);

    /// <summary>A grain of the cluster.</summary>
    public TGrain Grain<TGrain>(Guid key)
        where TGrain : IGrainWithGuidKey => Client.GetGrain<TGrain>(key);

    /// <summary>The operation grain of an idempotency key.</summary>
    public ILedgerOperationGrain Operation(string idempotencyKey) => Client.GetGrain<ILedgerOperationGrain>(idempotencyKey);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// Waits until every silo's start-up request for prompt recovery was made and its passes are over, advancing the
    /// fake clock past the stall age as needed: afterwards only what a test does (or a silo's death) runs a pass.
    /// </summary>
    /// <exception cref="Xunit.Sdk.XunitException">Not settled within 45 s.</exception>
    public async Task SettleStartupRecoveryAsync()
    {
        var maintenance = Client.GetGrain<ILedgerMaintenanceGrain>(0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await maintenance.GetRecoveryStatusAsync() is var status && (status.Requests < Cluster.Silos.Count || status.Running))
        {
            Xunit.Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"start-up recovery did not settle: {status}");
            Time.Advance(TimeSpan.FromSeconds(40));
            await Task.Delay(100);
        }
    }

    private static async Task<LedgerCluster> StartAsync(
        int silos, Action<LedgerOptions>? options, string? serviceId, Action<ISiloBuilder>? configure, Action<ISiloBuilder> storage)
    {
        var gate = new StorageGate();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = new InProcessTestClusterBuilder((short)silos);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            storage(silo);
            silo.Services.AddKeyedSingleton<IGrainStorage>(StateNames.InnerStorageProvider,
                (sp, _) => new GatedGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(RealStorage), gate));
            silo.Services.AddKeyedSingleton<TimeProvider>(LedgerTime.Key, time);
            silo.AddLedgerGrains();
            if (options is not null)
            {
                silo.Services.Configure(options);
            }

            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new LedgerCluster(cluster, gate, time);
    }
}
