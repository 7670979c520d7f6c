using MultiCloud.Silo.Hosting;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Configuration;

/// <summary>
/// Where a profile sits among the host's configuration sources, on the real silo host: appsettings.json, then the
/// profile, then appsettings.{Environment}.json, environment variables and arguments. Alone in its collection: it sets
/// process environment variables, which every host built meanwhile would read.
/// </summary>
[Collection(Name)]
public sealed class ConfigurationPrecedenceTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process environment";

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_profile_overrides_appsettings_and_the_environment_file_environment_variables_and_arguments_override_the_profile()
    {
        var root = Directory.CreateTempSubdirectory("multicloud-precedence-");
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(root.FullName, "appsettings.json"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "appsettings.Staging.json"), """{ "Api": { "AnswerTimeout": "00:00:07" } }""", TestContext.Current.CancellationToken);
            Environment.SetEnvironmentVariable("Regions__MembershipWait__RetryDelay", "00:00:00.300");
            Environment.SetEnvironmentVariable("Regions__MaxStaleness", "00:00:03");

            await using var app = LedgerSiloHost.Build(
                ["--contentRoot", root.FullName, "--environment", "Staging", "--Profile=two-region", "--Regions:MaxStaleness=00:00:04"]);

            // appsettings.json says Information; the profile says Warning.
            Assert.Equal("Warning", app.Configuration["Logging:LogLevel:Default"]);
            // The profile says 3 s; appsettings.Staging.json says 7 s.
            Assert.Equal("00:00:07", app.Configuration["Api:AnswerTimeout"]);
            // The profile says 250 ms; the environment says 300 ms.
            Assert.Equal("00:00:00.300", app.Configuration["Regions:MembershipWait:RetryDelay"]);
            // The profile says 2 s, the environment 3 s, the arguments 4 s.
            Assert.Equal("00:00:04", app.Configuration["Regions:MaxStaleness"]);
            // What the profile sets and nothing overrides stays.
            Assert.Equal("00:00:01", app.Configuration["Cluster:Membership:ProbeTimeout"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Regions__MembershipWait__RetryDelay", null);
            Environment.SetEnvironmentVariable("Regions__MaxStaleness", null);
            root.Delete(recursive: true);
        }
    }
}

