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
public sealed class SchemaInitializer(SchemaMigrator migrator, IOptions<DatabaseOptions> options) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => options.Value.ApplySchemaOnStartup
        ? migrator.ApplyAsync(options.Value.ConnectionString!, options.Value.SchemaCommandTimeout, cancellationToken)
        : Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
