namespace MultiCloud.ApiFrontend.Hosting;

/// <summary>Builds the stand-alone front end: an Orleans client serving the HTTP API.</summary>
public static class LedgerFrontendHost
{
    /// <summary>Builds the application from command-line arguments (configuration keys as <c>--Section:Key=value</c>).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLedgerClient();
        builder.AddLedgerApi();

        var app = builder.Build();
        app.MapLedgerApi();
        return app;
    }
}
