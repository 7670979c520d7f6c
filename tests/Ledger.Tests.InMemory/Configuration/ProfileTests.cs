using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.Persistence;
using MultiCloud.Regions;
using MultiCloud.Regions.Fencing;
using MultiCloud.Regions.Membership;
using MultiCloud.ServiceDefaults;
using MultiCloud.Silo.Hosting;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Orleans.Configuration;
using Xunit;

namespace MultiCloud.Tests.Configuration;

/// <summary>
/// The deployment profiles: each one is embedded and valid, the two-region one carries the settings the failover drills
/// passed with, the profile and the connection string must agree, and what a deployment passes overrides the profile.
/// </summary>
public sealed class ProfileTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Every_profile_is_embedded_and_its_settings_bind_to_valid_options()
    {
        foreach (var profile in DeploymentProfile.Names)
        {
            var configuration = Effective(profile, profile == DeploymentProfile.InMemory ? [] : ["--Database:ConnectionString=Host=db;Username=ledger;Database=ledger"]);
            var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
            services.AddValidatedOptions<RegionOptions>(RegionOptions.SectionName);
            services.AddValidatedOptions<MembershipWaitOptions>(MembershipWaitOptions.SectionName);
            services.AddValidatedOptions<ReplicationFenceOptions>(ReplicationFenceOptions.SectionName);
            services.AddValidatedOptions<LedgerApiOptions>(LedgerApiOptions.SectionName);
            services.AddValidatedOptions<ClusterHostingOptions>(ClusterHostingOptions.SectionName);
            services.AddLedgerDatabaseOptions(profile);
            using var provider = services.BuildServiceProvider();

            // Reading each value runs its validation (data annotations, cross-field rules, profile agreement, conflicts).
            _ = provider.GetRequiredService<IOptions<RegionOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<MembershipWaitOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ReplicationFenceOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<LedgerApiOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ClusterHostingOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<DatabaseConnectionOptions>>().Value;
            Assert.NotNull(DeploymentProfile.SettingsOf(profile));
        }

        Assert.Empty(DeploymentProfile.SettingsOf(DeploymentProfile.InMemory));
        return Task.CompletedTask;
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData(DeploymentProfile.SingleRegion)]
    [InlineData(DeploymentProfile.TwoRegion)]
    public Task The_database_profiles_bound_a_placement_that_cannot_complete_to_5_s(string profile)
    {
        var messaging = Effective(profile, []).GetSection("Cluster:Messaging").Get<SiloMessagingOptions>()!;

        // PlacementStallTests measures this bound with silo processes of the single-region profile.
        Assert.Equal(TimeSpan.FromSeconds(5), messaging.PlacementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), new SiloMessagingOptions().PlacementTimeout); // what it bounds: Orleans's default
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task The_two_region_profile_carries_the_settings_on_the_failover_path_of_docs_failover_md()
    {
        var configuration = Effective(DeploymentProfile.TwoRegion, []);
        var membership = configuration.GetSection("Cluster:Membership").Get<ClusterMembershipOptions>()!;
        var messaging = configuration.GetSection("Cluster:Messaging").Get<SiloMessagingOptions>()!;
        var connection = configuration.GetSection(DatabaseConnectionOptions.SectionName).Get<DatabaseConnectionOptions>()!;
        var regions = configuration.GetSection(RegionOptions.SectionName).Get<RegionOptions>()!;
        var wait = configuration.GetSection(MembershipWaitOptions.SectionName).Get<MembershipWaitOptions>()!;
        var fence = configuration.GetSection(ReplicationFenceOptions.SectionName).Get<ReplicationFenceOptions>()!;
        var api = configuration.GetSection(LedgerApiOptions.SectionName).Get<LedgerApiOptions>()!;

        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
        Assert.Equal(2, membership.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(2), membership.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), membership.IAmAliveTablePublishTimeout);
        Assert.False(membership.EnableConnectionLivenessCheck);
        Assert.Equal(TimeSpan.FromSeconds(30), membership.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), messaging.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), messaging.PlacementTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), regions.PrimaryCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), regions.MaxStaleness);
        Assert.Equal(TimeSpan.FromSeconds(20), wait.PrimaryWait);
        Assert.Equal(TimeSpan.FromMilliseconds(250), wait.RetryDelay);
        Assert.True(fence.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(1), fence.Wait);
        Assert.Equal(TimeSpan.FromSeconds(3), api.AnswerTimeout);
        Assert.False(configuration.GetValue<bool>("Dashboard:Enabled"));

        // One host: the region's HAProxy, which routes to the server Patroni names primary (Npgsql's own primary search
        // needs several hosts and asks the servers, which an orphaned primary answers wrongly).
        var driver = new NpgsqlConnectionStringBuilder(connection.Apply("Host=haproxy-b;Port=5000;Username=ledger;Password=x;Database=ledger"));
        Assert.Null(driver.TargetSessionAttributes);
        Assert.Equal(1, driver.Timeout);
        Assert.Equal(3, driver.CommandTimeout);
        Assert.Equal(-1, driver.CancellationTimeout);
        Assert.Equal(1, driver.KeepAlive);
        Assert.Equal(40, driver.MaxPoolSize);
        Assert.Equal("haproxy-b", driver.Host);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task An_unknown_profile_stops_the_build_naming_the_key_and_the_profiles()
    {
        var error = Assert.Throws<OptionsValidationException>(() => LedgerSiloHost.Build(["--urls", "http://127.0.0.1:0", "--Profile=three-region"]));

        Assert.Contains("Profile 'three-region'", error.Message, StringComparison.Ordinal);
        Assert.Contains("in-memory, single-region, two-region", error.Message, StringComparison.Ordinal);
        return Task.CompletedTask;
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("in-memory", "--Database:ConnectionString=Host=127.0.0.1;Username=ledger", "is set but Profile is 'in-memory'")]
    [InlineData("single-region", null, "Profile 'single-region' keeps everything in PostgreSQL: set Database:ConnectionString")]
    [InlineData("two-region", null, "Profile 'two-region' keeps everything in PostgreSQL: set Database:ConnectionString")]
    [InlineData("single-region", "--Database:ConnectionString=Host=127.0.0.1;Username=ledger;Timeout=9", "'Timeout' is set both in Database:ConnectionString and in Database:Connection:ConnectTimeout")]
    [InlineData("two-region", "--Database:ConnectionString=Host=127.0.0.1;Username=ledger;Command Timeout=9", "'Command Timeout' is set both")]
    public async Task A_profile_and_a_connection_string_that_disagree_stop_the_start_saying_how_to_fix_it(string profile, string? connectionString, string message)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", $"--Profile={profile}", $"--Cluster:SiloPort={FreePorts.Next()}", $"--Cluster:GatewayPort={FreePorts.Next()}"];
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = LedgerSiloHost.Build(connectionString is null ? args : [.. args, connectionString]);
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Driver_settings_map_to_npgsql_keywords_in_their_units_and_unset_ones_keep_the_connection_string()
    {
        var options = new DatabaseConnectionOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            CancellationTimeout = TimeSpan.FromMilliseconds(750),
        };

        var driver = new NpgsqlConnectionStringBuilder(options.Apply("Host=db;Username=u;Command Timeout=7;Timeout=2"));

        Assert.Equal(2, driver.Timeout);
        Assert.Equal(750, driver.CancellationTimeout);
        Assert.Equal(7, driver.CommandTimeout);
        Assert.Equal(new NpgsqlConnectionStringBuilder().MaxPoolSize, driver.MaxPoolSize);
        Assert.Empty(options.Conflicts("Host=db;Timeout=2"));
        Assert.Single(options.Conflicts("Host=db;Timeout=3"));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task The_data_source_made_from_a_profile_keeps_pooled_sessions_and_their_plans()
    {
        // Returning a connection to the pool must not DISCARD ALL: that throws away the storage functions' cached plans
        // (docs/benchmarks.md). Composing the profile's driver settings must not bring the reset back.
        var connection = Effective(DeploymentProfile.TwoRegion, []).GetSection(DatabaseConnectionOptions.SectionName).Get<DatabaseConnectionOptions>()!;
        var composed = connection.Apply("Host=pg-a,pg-b;Username=ledger;Password=x;Database=ledger");

        await using var dataSource = PostgresSiloBuilderExtensions.CreateDataSource(composed, NullLoggerFactory.Instance);

        var driver = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.True(driver.NoResetOnClose);
        Assert.Equal(1, driver.Timeout);
    }

    /// <summary>The configuration a silo started with <c>--Profile=</c><paramref name="profile"/> and <paramref name="arguments"/> runs with.</summary>
    internal static IConfigurationRoot Effective(string profile, IEnumerable<string> arguments)
        => FromArguments([$"--Profile={profile}", .. arguments]);

    /// <summary>
    /// The configuration a silo started with exactly <paramref name="arguments"/> runs with: appsettings.json, the profile
    /// those arguments select (the in-memory default when none), then the arguments.
    /// </summary>
    internal static IConfigurationRoot FromArguments(IEnumerable<string> arguments)
    {
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: false);
        configuration.AddCommandLine([.. arguments]);
        configuration.AddLedgerProfile();
        return configuration;
    }
}
