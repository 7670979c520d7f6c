using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MultiCloud.ApiFrontend.Hosting;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>The HTTP front end as its own process role: an Orleans client that finds the silos' gateways in the membership table.</summary>
public sealed class FrontendHostTests(PostgresServer postgres)
{
    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Standalone_front_end_finds_the_gateways_in_the_database_and_serves_the_api()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var clusterId = $"frontend-{Guid.NewGuid():N}";
        await using var silo = await SiloProcess.StartAsync(connectionString, clusterId, "ledger");
        await using var frontend = LedgerFrontendHost.Build(
        [
            "--urls", "http://127.0.0.1:0",
            $"--Cluster:ClusterId={clusterId}",
            "--Cluster:ServiceId=ledger",
            "--Profile=single-region",
            $"--Database:ConnectionString={connectionString}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await frontend.StartAsync(TestContext.Current.CancellationToken);
        var address = frontend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var ready = await http.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var request = new HttpRequestMessage(HttpMethod.Post, "/accounts") { Content = JsonContent.Create(new { owner = "Ada", currency = "EUR" }) };
        request.Headers.Add("Idempotency-Key", LedgerActions.NewKey());
        using var opened = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var account = await opened.JsonAsync();
        var viaSilo = await silo.Http.GetFromJsonAsync<JsonElement>($"/accounts/{account.GetProperty("id").GetGuid()}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal("Ada", viaSilo.GetProperty("owner").GetString());
        await frontend.StopAsync(TestContext.Current.CancellationToken);
    }
}
