using Microsoft.Extensions.Options;
using MultiCloud.Persistence;
using MultiCloud.ServiceDefaults;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// The <c>db-init</c> verb: applies db-scripts/ to the database in <c>Database:ConnectionString</c> and exits
/// (0 on success). Idempotent: a second run applies nothing.
/// </summary>
public static class SchemaCommand
{
    /// <summary>Runs the verb.</summary>
    /// <param name="args">Configuration arguments (e.g. <c>--Database:ConnectionString=...</c>).</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.SectionName);
        builder.Services.AddSingleton<SchemaMigrator>();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.IsConfigured)
        {
            await Console.Error.WriteLineAsync("db-init: set Database:ConnectionString (argument --Database:ConnectionString=... or environment Database__ConnectionString).");
            return 2;
        }

        var migrator = host.Services.GetRequiredService<SchemaMigrator>();
        try
        {
            var result = await migrator.ApplyAsync(options.ConnectionString!, options.SchemaCommandTimeout, CancellationToken.None);
            foreach (var script in result.Applied)
            {
                Console.WriteLine($"db-init: applied {script}");
            }

            Console.WriteLine($"db-init: schema up to date ({result.Applied.Count} applied now, {result.AlreadyApplied.Count} before; {SchemaMigrator.ScriptNames.Count} scripts in all)");
            return 0;
        }
        catch (Exception exception) when (exception is SchemaMigrationException or Npgsql.NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"db-init: failed: {exception.Message}");
            return 1;
        }
    }
}
