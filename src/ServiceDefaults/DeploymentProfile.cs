using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace MultiCloud.ServiceDefaults;

/// <summary>
/// The deployment profiles a process selects with the configuration key <c>Profile</c> (argument <c>--Profile=...</c>
/// or environment variable <c>Profile</c>): <c>in-memory</c> (the default: no database, one process), <c>single-region</c>
/// (PostgreSQL) and <c>two-region</c> (PostgreSQL under Patroni in two regions, the settings the failover drills passed
/// with). A profile's settings (<c>src/ServiceDefaults/Profiles/{name}.json</c>, embedded in this assembly) sit right
/// after <c>appsettings.json</c>: <c>appsettings.{Environment}.json</c>, environment variables and arguments override
/// them. A deployment supplies only addresses, names and secrets (docs/configuration.md).
/// </summary>
public static class DeploymentProfile
{
    /// <summary>The configuration key naming the profile.</summary>
    public const string Key = "Profile";

    /// <summary>The default profile: localhost clustering, memory storage; nothing survives a restart.</summary>
    public const string InMemory = "in-memory";

    /// <summary>One region on PostgreSQL.</summary>
    public const string SingleRegion = "single-region";

    /// <summary>Two regions, one cluster spanning them, PostgreSQL under Patroni with a synchronous standby.</summary>
    public const string TwoRegion = "two-region";

    private const string ResourcePrefix = "MultiCloud.ServiceDefaults.Profiles.";

    private static readonly FrozenDictionary<string, IReadOnlyDictionary<string, string?>> Settings = new[] { InMemory, SingleRegion, TwoRegion }
        .ToFrozenDictionary(name => name, Load, StringComparer.Ordinal);

    /// <summary>The names of the profiles, in order of growing deployment.</summary>
    public static IReadOnlyList<string> Names { get; } = [InMemory, SingleRegion, TwoRegion];

    /// <summary>
    /// Reads <see cref="Key"/> from the configuration built so far (arguments and environment included) and inserts that
    /// profile's settings right after <c>appsettings.json</c> (or first, when there is none).
    /// </summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The selected profile's name.</returns>
    /// <exception cref="OptionsValidationException">The name is not one of <see cref="Names"/>.</exception>
    public static string AddLedgerProfile(this IConfigurationManager configuration)
    {
        var name = Selected(configuration);
        var sources = configuration.Sources;
        var appsettings = sources.Select((source, index) => (source, index))
            .LastOrDefault(s => s.source is JsonConfigurationSource { Path: "appsettings.json" });
        var position = appsettings.source is null ? 0 : appsettings.index + 1;
        sources.Insert(position, new MemoryConfigurationSource { InitialData = Settings[name] });
        return name;
    }

    /// <summary>The profile that <paramref name="configuration"/> selects (<see cref="InMemory"/> when none).</summary>
    /// <exception cref="OptionsValidationException">The name is not one of <see cref="Names"/>.</exception>
    public static string Selected(IConfiguration configuration)
    {
        var name = configuration[Key];
        if (string.IsNullOrWhiteSpace(name))
        {
            return InMemory;
        }

        return Settings.ContainsKey(name)
            ? name
            : throw new OptionsValidationException(Key, typeof(DeploymentProfile),
                [$"{Key} '{name}' is not a profile; choose one of {string.Join(", ", Names)}."]);
    }

    /// <summary>True for the profiles that keep everything in PostgreSQL (all but <see cref="InMemory"/>).</summary>
    /// <param name="profile">A profile name.</param>
    public static bool UsesDatabase(string profile) => !string.Equals(profile, InMemory, StringComparison.Ordinal);

    /// <summary>The settings of one profile, flattened to configuration keys (<c>Section:Key</c>).</summary>
    /// <param name="profile">A profile name.</param>
    /// <exception cref="KeyNotFoundException">No such profile.</exception>
    public static IReadOnlyDictionary<string, string?> SettingsOf(string profile) => Settings[profile];

    /// <summary>
    /// What start-up says when the storage settings disagree with the profile: the database profiles need
    /// <c>Database:ConnectionString</c>, the in-memory one refuses it (so that a connection string never goes unused).
    /// </summary>
    /// <param name="profile">The selected profile.</param>
    public static string MismatchMessage(string profile) => UsesDatabase(profile)
        ? $"{Key} '{profile}' keeps everything in PostgreSQL: set {DatabaseOptions.SectionName}:{nameof(DatabaseOptions.ConnectionString)}."
        : $"{DatabaseOptions.SectionName}:{nameof(DatabaseOptions.ConnectionString)} is set but {Key} is '{profile}', which uses no database: select {Key}={SingleRegion} or {Key}={TwoRegion}.";

    private static IReadOnlyDictionary<string, string?> Load(string name)
    {
        using var stream = typeof(DeploymentProfile).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json")
            ?? throw new InvalidOperationException($"The profile '{name}' is not embedded in {typeof(DeploymentProfile).Assembly.GetName().Name}.");

        // Parsed once into plain keys: a memory source survives the configuration manager rebuilding its providers.
        var parsed = new ConfigurationBuilder().AddJsonStream(stream).Build();
        return parsed.AsEnumerable().Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
    }
}
