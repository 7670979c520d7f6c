using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MultiCloud.ServiceDefaults;

/// <summary>Registers the <c>Database</c> options of a process (silo or front end) against its profile.</summary>
public static class DatabaseOptionsRegistration
{
    /// <summary>
    /// Binds <see cref="DatabaseOptions"/> and <see cref="DatabaseConnectionOptions"/>, validated when the host starts:
    /// their data annotations, the connection string against the profile (<see cref="DeploymentProfile.MismatchMessage"/>),
    /// and no key set both in the connection string and in <c>Database:Connection</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="profile">The selected profile.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddLedgerDatabaseOptions(this IServiceCollection services, string profile)
    {
        var usesDatabase = DeploymentProfile.UsesDatabase(profile);
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.SectionName)
            .Validate(database => database.IsConfigured == usesDatabase, DeploymentProfile.MismatchMessage(profile));
        services.AddValidatedOptions<DatabaseConnectionOptions>(DatabaseConnectionOptions.SectionName);
        services.AddSingleton<IValidateOptions<DatabaseConnectionOptions>, ConnectionStringConflicts>();
        return services;
    }

    /// <summary>Fails start-up when the connection string and <c>Database:Connection</c> both set one key.</summary>
    /// <param name="database">The connection string.</param>
    private sealed class ConnectionStringConflicts(IOptions<DatabaseOptions> database) : IValidateOptions<DatabaseConnectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, DatabaseConnectionOptions options)
        {
            string? connectionString;
            try
            {
                connectionString = database.Value.ConnectionString;
            }
            catch (OptionsValidationException)
            {
                return ValidateOptionsResult.Skip; // The Database section's own failure is reported once, by itself.
            }

            if (string.IsNullOrWhiteSpace(connectionString))
            {
                return ValidateOptionsResult.Skip;
            }

            try
            {
                var conflicts = options.Conflicts(connectionString);
                return conflicts.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(conflicts);
            }
            catch (ArgumentException exception)
            {
                // The driver refuses a keyword or a value of the connection string itself.
                return ValidateOptionsResult.Fail($"Database:ConnectionString is not a valid Npgsql connection string: {exception.Message}");
            }
        }
    }
}
