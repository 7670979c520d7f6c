using MultiCloud.Persistence;
using MultiCloud.ServiceDefaults;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace MultiCloud.Silo.Hosting;

/// <summary>Host-level wiring of a silo: cluster identity and endpoints, storage, dashboard and readiness.</summary>
public static class LedgerSiloHostingExtensions
{
    /// <summary>The route prefix of the Orleans dashboard.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>
    /// Configuration key that turns the Orleans dashboard off (default on). The dashboard times every grain call;
    /// its cost per call is measured in docs/benchmarks.md.
    /// </summary>
    public const string DashboardEnabledKey = "Dashboard:Enabled";

    /// <summary>
    /// Makes this process a silo. Reads <c>Cluster</c> and <c>Database</c> now (validated; an invalid value stops
    /// start-up with a message naming the key): with <c>Database:ConnectionString</c> everything is on PostgreSQL,
    /// without it on the embedded in-memory default.
    /// </summary>
    /// <returns>The same builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A configuration value is invalid.</exception>
    public static IHostApplicationBuilder AddLedgerSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadValidated<ClusterHostingOptions>(ClusterHostingOptions.SectionName);
        var database = builder.Configuration.ReadValidated<PostgresOptions>(PostgresOptions.SectionName);
        builder.Services.AddValidatedOptions<ClusterHostingOptions>(ClusterHostingOptions.SectionName);
        builder.Services.AddValidatedOptions<PostgresOptions>(PostgresOptions.SectionName);
        builder.Services.AddValidatedOptions<PrimaryRegionOptions>(PrimaryRegionOptions.SectionName);
        builder.Services.AddValidatedOptions<MembershipTableOptions>(MembershipTableOptions.SectionName);
        builder.Services.AddValidatedOptions<ReadModelOptions>(ReadModelOptions.SectionName);
        builder.Services.AddHostedService(sp => new StorageModeAnnouncer(database.IsConfigured, sp.GetRequiredService<ILogger<StorageModeAnnouncer>>()));

        if (database.IsConfigured && database.ApplySchemaOnStartup)
        {
            // Hosted services start in registration order: this one runs before the silo (registered below).
            builder.Services.AddHostedService<SchemaInitializer>();
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName ?? $"{Environment.MachineName}-{cluster.SiloPort}");

            if (database.IsConfigured)
            {
                silo.ConfigureEndpoints(cluster.AdvertisedIPAddress, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                silo.UseLedgerPostgres(database.ConnectionString!);
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                silo.UseLedgerInMemory();
            }

            // Membership tuning (probe timeout, missed probes, votes, table refresh...) from Cluster:Membership.
            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection($"{ClusterHostingOptions.SectionName}:Membership"));
            silo.Configure<SiloMessagingOptions>(builder.Configuration.GetSection($"{ClusterHostingOptions.SectionName}:Messaging"));
            silo.AddLedgerGrains(cluster.Region, cluster.ServeOnlyInPrimaryRegion);
            if (DashboardEnabled(builder.Configuration))
            {
                silo.AddDashboard();
            }
        });

        builder.Services.AddHealthChecks().AddCheck<SiloStatusHealthCheck>("silo", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>Maps the Orleans dashboard at <see cref="DashboardPath"/>.</summary>
    /// <returns>The same application.</returns>
    public static WebApplication MapLedgerDashboard(this WebApplication app)
    {
        if (DashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(routePrefix: DashboardPath);
        }

        return app;
    }

    private static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue(DashboardEnabledKey, defaultValue: true);
}
