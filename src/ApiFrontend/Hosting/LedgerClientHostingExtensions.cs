using MultiCloud.ServiceDefaults;
using Orleans.Configuration;

namespace MultiCloud.ApiFrontend.Hosting;

/// <summary>Wiring of the stand-alone front end: an Orleans client that finds the silos' gateways on its own.</summary>
public static partial class LedgerClientHostingExtensions
{
    /// <summary>The configuration key of the PostgreSQL connection string (the same one the silos use).</summary>
    public const string ConnectionStringKey = "Database:ConnectionString";

    /// <summary>
    /// Connects to the cluster named in <c>Cluster</c>: with <c>Database:ConnectionString</c> the gateways are read from
    /// the membership table (ADO.NET gateway discovery); without it, the local silo's gateway port is used.
    /// </summary>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddLedgerClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadValidated<ClusterHostingOptions>(ClusterHostingOptions.SectionName);
        var connectionString = builder.Configuration[ConnectionStringKey];
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            }
            else
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
            }
        });
        return builder;
    }
}
