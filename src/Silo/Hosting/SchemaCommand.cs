using Microsoft.Extensions.Options;
using MultiCloud.Persistence;
using MultiCloud.ServiceDefaults;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// The <c>db-init</c> verb: applies db-scripts/ to the database in <c>Database:ConnectionString</c> and exits
/// (0 on success). Idempotent: a second run applies nothing. With <c>--Profile=...</c> the profile's driver settings
/// apply too (<c>Database:Connection</c>: the two-region one finds the primary among the listed hosts).
/// </summary>
public static class SchemaCommand
{
    /// <summary>Runs the verb.</summary>
    /// <param name="args">Configuration arguments (e.g. <c>--Database:ConnectionString=...</c>).</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddLedgerProfile();
        builder.Services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.SectionName);
        builder.Services.AddValidatedOptions<DatabaseConnectionOptions>(DatabaseConnectionOptions.SectionName);
        builder.Services.AddSingleton<SchemaMigrator>();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var connection = host.Services.GetRequiredService<IOptions<DatabaseConnectionOptions>>().Value;
        if (!options.IsConfigured)
        {
            await Console.Error.WriteLineAsync("db-init: set Database:ConnectionString (argument --Database:ConnectionString=... or environment Database__ConnectionString).");
            return 2;
        }

        var migrator = host.Services.GetRequiredService<SchemaMigrator>();
        try
        {
            var result = await migrator.ApplyAsync(connection.Apply(options.ConnectionString!), options.SchemaCommandTimeout, CancellationToken.None);
            foreach (var script in result.Applied)
            {
                Console.WriteLine($"db-init: applied {script}");
            }

            Console.WriteLine($"db-init: schema up to date ({result.Applied.Count} applied now, {result.AlreadyApplied.Count} before; {SchemaMigrator.ScriptNames.Count} scripts in all)");
            return 0;
        }
        catch (Exception exception) when (exception is SchemaMigrationException or Npgsql.NpgsqlException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"db-init: failed: {exception.Message}");
            return 1;
        }
    }
}
