using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MultiCloud.Grains;
using MultiCloud.Grains.Diagnostics;
using MultiCloud.Grains.Storage;
using MultiCloud.ServiceDefaults;
using MultiCloud.Silo.Hosting;
using Orleans.Storage;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// The real silo host (silo, HTTP API, dashboard) on Kestrel bound to a free loopback port, in memory or on
/// PostgreSQL, with a <see cref="StorageGate"/> in front of its storage.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private ApiHost(WebApplication app, HttpClient client, StorageGate gate)
    {
        App = app;
        Client = client;
        Gate = gate;
    }

    /// <summary>The application.</summary>
    public WebApplication App { get; }

    /// <summary>A client for the API's base address.</summary>
    public HttpClient Client { get; }

    /// <summary>Holds or fails chosen writes.</summary>
    public StorageGate Gate { get; }

    /// <summary>Starts a host; <paramref name="connectionString"/> selects PostgreSQL (the single-region profile), null the in-memory default.</summary>
    public static async Task<ApiHost> StartAsync(string? connectionString = null, params string[] extraArgs)
    {
        var gate = new StorageGate();
        List<string> args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Cluster:SiloPort={FreePorts.Next()}",
            $"--Cluster:GatewayPort={FreePorts.Next()}",
            $"--Cluster:ClusterId=api-{Guid.NewGuid():N}",
            $"--Cluster:ServiceId=api-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            "--Logging:LogLevel:Orleans.Runtime.Silo=Error",
            "--Logging:LogLevel:Orleans.Runtime.MembershipService=Error",
            "--Logging:LogLevel:MultiCloud=Warning",
        ];
        if (connectionString is not null)
        {
            args.Add($"--Profile={DeploymentProfile.SingleRegion}");
            args.Add($"--Database:ConnectionString={connectionString}");
        }

        args.AddRange(extraArgs);
        var app = LedgerSiloHost.Build([.. args], builder =>
            builder.Services.AddKeyedSingleton<IGrainStorage>(StateNames.StorageProvider, (sp, _) => new LedgerGrainStorage(
                new GatedGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(StateNames.InnerStorageProvider), gate),
                sp.GetRequiredService<ILedgerProjection>(),
                sp.GetRequiredService<LedgerMetrics>(),
                sp.GetRequiredService<ILogger<LedgerGrainStorage>>())));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiHost(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) }, gate);
    }

    /// <summary>POSTs a JSON body with an idempotency key (none when null).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey)
        => PostRawAsync(path, JsonSerializer.Serialize(body, JsonSerializerOptions.Web), idempotencyKey);

    /// <summary>POSTs a raw body with an idempotency key (none when null).</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string? idempotencyKey, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return Client.SendAsync(request);
    }

    /// <summary>Opens an account over HTTP and returns its id.</summary>
    public async Task<Guid> OpenAccountAsync(string currency = "EUR", long deposit = 0)
    {
        using var response = await PostAsync("/accounts", new { owner = "Ada", currency }, LedgerActions.NewKey());
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (deposit > 0)
        {
            using var deposited = await PostAsync($"/accounts/{id}/deposits", new { amount = deposit }, LedgerActions.NewKey());
            deposited.EnsureSuccessStatusCode();
        }

        return id;
    }

    /// <summary>The balance over HTTP.</summary>
    public async Task<long> BalanceAsync(Guid account)
        => (await Client.GetFromJsonAsync<JsonElement>($"/accounts/{account}")).GetProperty("balance").GetInt64();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
