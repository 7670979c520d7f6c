using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Silo.Hosting;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>Start-up of the silo host: where it keeps state, and invalid configuration stopping it with a message naming the key.</summary>
public sealed class SiloStartupTests
{
    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Without_a_profile_the_silo_runs_on_the_in_memory_default_and_says_so()
    {
        await using var app = LedgerSiloHost.Build(
            ["--urls", "http://127.0.0.1:0", $"--Cluster:SiloPort={FreePorts.Next()}", $"--Cluster:GatewayPort={FreePorts.Next()}"],
            builder => builder.Logging.AddFakeLogging());

        await app.StartAsync(TestContext.Current.CancellationToken);
        var records = app.Services.GetFakeLogCollector().GetSnapshot();
        var readModel = app.Services.GetRequiredService<ILedgerReadModel>();
        await app.StopAsync(TestContext.Current.CancellationToken);

        Assert.IsType<InMemoryLedgerReadModel>(readModel); // where the state is kept, not only what the log says
        var announcement = Assert.Single(records, r => r.Id.Id == 4101);
        Assert.Equal(LogLevel.Warning, announcement.Level);
        Assert.Contains("Profile in-memory", announcement.Message, StringComparison.Ordinal);
        Assert.Contains("embedded in-memory default", announcement.Message, StringComparison.Ordinal);
        Assert.Contains("Database:ConnectionString", announcement.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("--Cluster:SiloPort=0", "Cluster:SiloPort")]
    [InlineData("--Cluster:AdvertisedAddress=not-an-ip", "Cluster:AdvertisedAddress")]
    [InlineData("--Cluster:ClusterId=has space", "Cluster:ClusterId")]
    [InlineData("--Ledger:IdempotencyKeyRetention=01:00:00", "Ledger:IdempotencyKeyRetention")]
    [InlineData("--Ledger:MaintenancePeriod=00:00:10", "Ledger:MaintenancePeriod")]
    [InlineData("--Ledger:MaxOperationAmount=0", "Ledger:MaxOperationAmount")]
    [InlineData("--Api:MaxRequestBodyBytes=1", "Api:MaxRequestBodyBytes")]
    [InlineData("--Api:AnswerTimeout=00:00:00.010", "Api:AnswerTimeout")]
    [InlineData("--Api:RetryAfter=00:00:01.500", "Api:RetryAfter")]
    [InlineData("--Regions:MaxStaleness=00:00:00.010", "Regions:MaxStaleness")]
    [InlineData("--Regions:PrimaryCheckInterval=00:00:03", "Regions:PrimaryCheckInterval")]
    [InlineData("--Regions:Region=Region A", "Regions:Region")]
    public async Task An_invalid_option_stops_the_start_naming_the_key(string argument, string key)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = LedgerSiloHost.Build(
                ["--urls", "http://127.0.0.1:0", $"--Cluster:SiloPort={FreePorts.Next()}", $"--Cluster:GatewayPort={FreePorts.Next()}", argument]);
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
