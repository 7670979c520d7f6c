using Microsoft.Extensions.Options;
using MultiCloud.Persistence;
using MultiCloud.ServiceDefaults;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Applies the schema before the silo starts when <c>Database:ApplySchemaOnStartup=true</c>; registered ahead of
/// Orleans so that the providers find their queries.
/// </summary>
/// <param name="migrator">Applies db-scripts/.</param>
/// <param name="options">Connection string, whether to apply, and the timeout.</param>
/// <param name="connection">The profile's driver settings (the two-region one finds the primary among the listed hosts).</param>
public sealed class SchemaInitializer(SchemaMigrator migrator, IOptions<DatabaseOptions> options, IOptions<DatabaseConnectionOptions> connection) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => options.Value.ApplySchemaOnStartup
        ? migrator.ApplyAsync(connection.Value.Apply(options.Value.ConnectionString!), options.Value.SchemaCommandTimeout, cancellationToken)
        : Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
