using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Browser;

/// <summary>The pages a person opens — the API page and the Orleans dashboard — rendered in headless Chromium.</summary>
public sealed class BrowserPagesTests(ApiHostFixture fixture) : IClassFixture<ApiHostFixture>
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Api_page_renders_the_ledger_operations_from_the_openapi_document()
    {
        await using var session = await BrowserSession.StartAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync($"{fixture.Host.Client.BaseAddress}scalar/");
        await page.GetByText("Opens an account with a zero balance in one currency.").First.WaitForAsync(new() { Timeout = 30_000 });

        var content = await page.ContentAsync();
        Assert.Contains("MultiCloud ledger API", content, StringComparison.Ordinal);
        Assert.Contains("/accounts/{accountId}/deposits", content, StringComparison.Ordinal);
        Assert.Contains("Transfers", content, StringComparison.Ordinal);
        Assert.Empty(session.FailedRequests);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Dashboard_renders_the_live_silo()
    {
        var silo = fixture.Host.App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        await using var session = await BrowserSession.StartAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync($"{fixture.Host.Client.BaseAddress}dashboard/#/silos");
        await page.GetByText($"127.0.0.1:{silo.Endpoint.Port}@{silo.Generation}").First.WaitForAsync(new() { Timeout = 30_000 });

        Assert.Contains("Active", await page.ContentAsync(), StringComparison.Ordinal);

        Assert.Empty(session.FailedRequests);
    }

    /// <summary>Playwright driving the machine's Debian Chromium (Playwright's own browser download cannot work here).</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;

        private BrowserSession(IPlaywright playwright, IBrowser browser)
        {
            _playwright = playwright;
            Browser = browser;
        }

        public IBrowser Browser { get; }

        /// <summary>
        /// A new page whose failed requests (network errors, 4xx, 5xx) are collected in <see cref="FailedRequests"/>.
        /// Requests to any host but loopback are refused and collected too: the pages must be self-contained.
        /// </summary>
        public async Task<IPage> NewPageAsync()
        {
            var page = await Browser.NewPageAsync();
            await page.RouteAsync("**/*", async route =>
            {
                if (new Uri(route.Request.Url) is { IsLoopback: true } or { Scheme: "data" or "blob" })
                {
                    await route.ContinueAsync();
                }
                else
                {
                    FailedRequests.Add($"{route.Request.Url}: not loopback, refused");
                    await route.AbortAsync();
                }
            });
            page.RequestFailed += (_, request) => FailedRequests.Add($"{request.Url}: {request.Failure}");
            page.Response += (_, response) =>
            {
                if (response.Status >= 400)
                {
                    FailedRequests.Add($"{response.Url}: {response.Status}");
                }
            };
            return page;
        }

        /// <summary>Requests to this host that failed or answered 4xx/5xx.</summary>
        public List<string> FailedRequests { get; } = [];

        public static async Task<BrowserSession> StartAsync()
        {
            Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium (scripts/test installs it).");
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            return new BrowserSession(playwright, browser);
        }

        public async ValueTask DisposeAsync()
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }
    }
}
