using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>Health, OpenAPI, the API page and the dashboard.</summary>
public sealed class OperationsEndpointsTests(ApiHostFixture fixture) : IClassFixture<ApiHostFixture>
{
    private ApiHost Api => fixture.Host;

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Liveness_and_readiness_are_200_when_the_silo_is_active_and_storage_answers()
    {
        using var live = await Api.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        using var ready = await Api.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = await ready.JsonAsync();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
        // The same test runs on both storages (in memory here, PostgreSQL in the PostgreSQL project).
        Assert.Matches("^(memory|postgresql) answered in ", report.GetProperty("checks").GetProperty("ledger-storage").GetProperty("description").GetString());
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_silo_without_a_region_whose_storage_is_confirmed_is_writable_and_counts_as_the_primarys_region()
    {
        using var writable = await Api.Client.GetAsync("/health/writable", TestContext.Current.CancellationToken);
        using var primaryRegion = await Api.Client.GetAsync("/health/primary-region", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, writable.StatusCode);
        Assert.Equal("writable: the primary (region (none)) is confirmed",
            (await writable.JsonAsync()).GetProperty("checks").GetProperty("writable").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, primaryRegion.StatusCode);
        Assert.Equal("the primary is confirmed (no region)",
            (await primaryRegion.JsonAsync()).GetProperty("checks").GetProperty("primary-region").GetProperty("description").GetString());
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task OpenAPI_document_describes_every_endpoint_and_the_idempotency_header()
    {
        var document = await Api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var paths = document.GetProperty("paths");

        // Every route the app maps (its own endpoint data source, not a list kept by hand), less those excluded on purpose.
        var routes = Api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true } && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/')).Where(r => !r.StartsWith("/health", StringComparison.Ordinal) && !r.StartsWith("/openapi", StringComparison.Ordinal) && !r.StartsWith("/scalar", StringComparison.Ordinal) && !r.StartsWith("/dashboard", StringComparison.Ordinal) && r != "/")
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/ledger/placement", routes);
        foreach (var route in routes)
        {
            Assert.True(paths.TryGetProperty(route, out _), $"missing {route}");
        }

        // Every POST (opening an account, deposits, withdrawals, transfers) documents its idempotency key.
        var posts = paths.EnumerateObject().Where(p => p.Value.TryGetProperty("post", out _)).ToList();
        Assert.Equal(4, posts.Count);
        foreach (var post in posts)
        {
            var parameters = post.Value.GetProperty("post").GetProperty("parameters");
            Assert.True(parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"), $"POST {post.Name} does not document Idempotency-Key");
        }
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Browsable_API_page_and_dashboard_are_served()
    {
        using var root = await Api.Client.GetAsync("/", TestContext.Current.CancellationToken);
        var page = await Api.Client.GetStringAsync("/scalar/", TestContext.Current.CancellationToken);
        using var dashboard = await Api.Client.GetAsync("/dashboard/", TestContext.Current.CancellationToken);

        Assert.StartsWith("/scalar", root.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
    }
}
