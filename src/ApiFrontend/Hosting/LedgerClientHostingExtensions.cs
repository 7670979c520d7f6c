using System.Net;
using Microsoft.Extensions.Options;
using MultiCloud.ServiceDefaults;
using Orleans.Configuration;

namespace MultiCloud.ApiFrontend.Hosting;

/// <summary>Wiring of the stand-alone front end: an Orleans client that finds the silos' gateways on its own.</summary>
public static class LedgerClientHostingExtensions
{
    /// <summary>
    /// Connects to the cluster named in <c>Cluster</c>. The selected profile (<see cref="DeploymentProfile"/>) decides
    /// how the gateways are found: the database profiles read them from the membership table (ADO.NET gateway discovery,
    /// <c>Database:ConnectionString</c> with <c>Database:Connection</c> applied); the in-memory profile uses the local
    /// silo's gateway port. Options are validated when the host starts.
    /// </summary>
    /// <returns>The same builder.</returns>
    /// <exception cref="OptionsValidationException">The profile named by <c>Profile</c> does not exist.</exception>
    public static IHostApplicationBuilder AddLedgerClient(this IHostApplicationBuilder builder)
    {
        var profile = builder.Configuration.AddLedgerProfile();
        var usesDatabase = DeploymentProfile.UsesDatabase(profile);
        builder.Services.AddValidatedOptions<ClusterHostingOptions>(ClusterHostingOptions.SectionName);
        builder.Services.AddLedgerDatabaseOptions(profile);
        builder.UseOrleansClient(client =>
        {
            client.Services.AddOptions<ClusterOptions>().Configure<IOptions<ClusterHostingOptions>>((o, cluster) =>
            {
                o.ClusterId = cluster.Value.ClusterId;
                o.ServiceId = cluster.Value.ServiceId;
            });
            if (usesDatabase)
            {
                client.UseAdoNetClustering(options => options.Configure<IOptions<DatabaseOptions>, IOptions<DatabaseConnectionOptions>>((o, database, connection) =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connection.Value.Apply(database.Value.ConnectionString!);
                }));
            }
            else
            {
                client.UseStaticClustering(options => options.Configure<IOptions<ClusterHostingOptions>>((o, cluster) =>
                    o.Gateways = [new IPEndPoint(IPAddress.Loopback, cluster.Value.GatewayPort).ToGatewayUri()]));
            }
        });
        return builder;
    }
}
