using Microsoft.Extensions.Options;
using MultiCloud.Persistence;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Applies the schema before the silo starts (only with <c>Database:ApplySchemaOnStartup=true</c>); registered
/// ahead of Orleans so that the providers find their queries.
/// </summary>
/// <param name="migrator">Applies db-scripts/.</param>
/// <param name="options">Connection string and timeout.</param>
public sealed class SchemaInitializer(SchemaMigrator migrator, IOptions<PostgresOptions> options) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
        => migrator.ApplyAsync(options.Value.ConnectionString!, options.Value.SchemaCommandTimeoutSeconds, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
