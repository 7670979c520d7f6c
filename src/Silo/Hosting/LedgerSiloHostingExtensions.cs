using System.Net;
using Microsoft.Extensions.Options;
using MultiCloud.Persistence;
using MultiCloud.Regions.Hosting;
using MultiCloud.ServiceDefaults;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace MultiCloud.Silo.Hosting;

/// <summary>Host-level wiring of a silo: profile, cluster identity and endpoints, storage, regions, dashboard and readiness.</summary>
public static class LedgerSiloHostingExtensions
{
    /// <summary>The route prefix of the Orleans dashboard.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>
    /// Makes this process a silo. The selected profile (<see cref="DeploymentProfile"/>) is added to the configuration
    /// and decides the storage: PostgreSQL for membership, grain state, reminders and ledger rows, or the embedded
    /// in-memory default. Every options section is bound once and validated when the host starts; an invalid value
    /// (or a profile and connection string that disagree) stops start-up with a message naming the key.
    /// </summary>
    /// <returns>The same builder.</returns>
    /// <exception cref="OptionsValidationException">The profile named by <c>Profile</c> does not exist.</exception>
    public static IHostApplicationBuilder AddLedgerSilo(this IHostApplicationBuilder builder)
    {
        var profile = builder.Configuration.AddLedgerProfile();
        var usesDatabase = DeploymentProfile.UsesDatabase(profile);
        var services = builder.Services;
        services.AddValidatedOptions<ClusterHostingOptions>(ClusterHostingOptions.SectionName);
        services.AddLedgerDatabaseOptions(profile);
        services.AddValidatedOptions<DashboardOptions>(DashboardOptions.SectionName);
        services.AddHostedService(sp => new StorageModeAnnouncer(profile, usesDatabase, sp.GetRequiredService<ILogger<StorageModeAnnouncer>>()));

        if (usesDatabase)
        {
            // Hosted services start in registration order: this one runs before the silo (registered below), and only
            // applies the schema when Database:ApplySchemaOnStartup says so.
            services.AddHostedService<SchemaInitializer>();
        }

        // The dashboard's grain call filter is registered with the silo, so whether it exists is decided here; the same
        // key is validated with the rest of its section at start-up.
        var dashboard = builder.Configuration.GetSection(DashboardOptions.SectionName).GetValue(nameof(DashboardOptions.Enabled), defaultValue: true);
        var kubernetesHosting = builder.Configuration.GetSection(ClusterHostingOptions.SectionName).GetValue<bool>(nameof(ClusterHostingOptions.KubernetesHosting));
        builder.UseOrleans(silo =>
        {
            silo.Services.AddOptions<ClusterOptions>().Configure<IOptions<ClusterHostingOptions>>((o, cluster) =>
            {
                o.ClusterId = cluster.Value.ClusterId;
                o.ServiceId = cluster.Value.ServiceId;
            });
            silo.Services.AddOptions<SiloOptions>().Configure<IOptions<ClusterHostingOptions>>((o, cluster) =>
                o.SiloName = cluster.Value.SiloName ?? $"{Environment.MachineName}-{cluster.Value.SiloPort}");
            silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<ClusterHostingOptions>>((o, cluster) =>
            {
                var c = cluster.Value;
                o.AdvertisedIPAddress = usesDatabase ? c.ParseAdvertisedAddress() : IPAddress.Loopback;
                o.SiloPort = c.SiloPort;
                o.GatewayPort = c.GatewayPort;
                if (usesDatabase)
                {
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, c.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, c.GatewayPort);
                }
            });

            if (usesDatabase)
            {
                silo.UseLedgerPostgres();
                silo.UseRegionsOnPostgres();
            }
            else
            {
                silo.UseDevelopmentClustering(options => options.Configure<IOptions<ClusterHostingOptions>>((o, cluster) =>
                    o.PrimarySiloEndpoint = new IPEndPoint(IPAddress.Loopback, cluster.Value.SiloPort)));
                silo.UseLedgerInMemory();
            }

            // Orleans's own options, tuned by the profiles: Cluster:Membership and Cluster:Messaging.
            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection($"{ClusterHostingOptions.SectionName}:Membership"));
            silo.Configure<SiloMessagingOptions>(builder.Configuration.GetSection($"{ClusterHostingOptions.SectionName}:Messaging"));
            silo.AddLedgerGrains();
            if (kubernetesHosting)
            {
                // After the endpoint and cluster options above: the pod's environment wins (helm/multicloud sets both).
                silo.UseKubernetesHosting();
            }

            if (dashboard)
            {
                silo.AddDashboard();
            }
        });

        services.AddHealthChecks()
            .AddCheck<SiloStatusHealthCheck>("silo", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<WritableHealthCheck>("writable", tags: [HealthEndpoints.WritableTag])
            .AddCheck<PrimaryRegionHealthCheck>("primary-region", tags: [HealthEndpoints.PrimaryRegionTag]);
        return builder;
    }

    /// <summary>Maps the Orleans dashboard at <see cref="DashboardPath"/> (when <c>Dashboard:Enabled</c>).</summary>
    /// <returns>The same application.</returns>
    public static WebApplication MapLedgerDashboard(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.Enabled)
        {
            app.MapOrleansDashboard(routePrefix: DashboardPath);
        }

        return app;
    }
}
