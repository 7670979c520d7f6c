using MultiCloud.ApiFrontend.Hosting;
using MultiCloud.ServiceDefaults;

namespace MultiCloud.Silo.Hosting;

/// <summary>Builds the silo process: silo, HTTP API and dashboard in one host (the default deployment).</summary>
public static class LedgerSiloHost
{
    /// <summary>Builds the application from command-line arguments (configuration keys as <c>--Section:Key=value</c>).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Optional last changes to the builder (tests add configuration or services).</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLedgerSilo();
        builder.AddLedgerApi();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapLedgerApi();
        app.MapFrontDoorHealthEndpoints();
        app.MapLedgerDashboard();
        return app;
    }
}
