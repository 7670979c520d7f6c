using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Apis;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.ApiFrontend.Health;
using MultiCloud.ApiFrontend.Problems;
using MultiCloud.Grains.Interfaces;
using MultiCloud.ServiceDefaults;
using Scalar.AspNetCore;

namespace MultiCloud.ApiFrontend.Hosting;

/// <summary>Wiring of the HTTP API, shared by the silo host (the default) and the stand-alone front end.</summary>
public static class LedgerApiHostingExtensions
{
    /// <summary>
    /// Registers the API's services: options (validated at start-up), problem details and the exception handler,
    /// strict JSON (unknown or duplicate properties are refused), OpenAPI, the request size limit and the readiness
    /// check. The caller provides an <see cref="IGrainFactory"/> (a silo or an Orleans client).
    /// </summary>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddLedgerApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<LedgerOptions>(LedgerOptions.SectionName);
        services.AddValidatedOptions<LedgerApiOptions>(LedgerApiOptions.SectionName);

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;

            // Only server-side failures carry a trace id: a recorded answer (4xx) must replay byte for byte.
            if (context.ProblemDetails.Status >= 500)
            {
                context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
            }
            else
            {
                context.ProblemDetails.Extensions.Remove("traceId");
            }
        });
        services.AddExceptionHandler<LedgerExceptionHandler>();

        // Binding failures (malformed JSON, wrong content type) become exceptions, so the handler can name the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, LedgerApiJsonContext.Default);
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LedgerApiOptions>>((kestrel, api) =>
            kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes);

        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MultiCloud ledger API";
            document.Info.Description =
                "A double-entry ledger on Orleans and PostgreSQL. Amounts are integers in minor currency units. " +
                "Every POST requires an Idempotency-Key header; errors are RFC 9457 problem details.";
            return Task.CompletedTask;
        }));

        services.AddHealthChecks().AddCheck<LedgerReadinessHealthCheck>("ledger-storage", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Maps the API: <c>/accounts</c>, <c>/transfers</c>, <c>/ledger</c>, <c>/health/live</c>, <c>/health/ready</c>,
    /// the OpenAPI document at <c>/openapi/v1.json</c> and the browsable API page at <c>/scalar</c> (also <c>/</c>).
    /// </summary>
    /// <returns>The same application.</returns>
    public static WebApplication MapLedgerApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeProblems.WriteAsync);

        app.MapOpenApi();
        // Self-contained page: no fonts from a CDN, no telemetry (operators' browsers talk to this host only).
        app.MapScalarApiReference(options => options
            .WithTitle("MultiCloud ledger API")
            .DisableDefaultFonts()
            .DisableTelemetry());
        app.MapGet("/", () => Results.Redirect("/scalar")).ExcludeFromDescription();

        // Every ledger endpoint answers within Api:AnswerTimeout, whatever its grain calls do.
        app.MapAccountsApi().AddEndpointFilter<AnswerTimeoutFilter>();
        app.MapTransfersApi().AddEndpointFilter<AnswerTimeoutFilter>();
        app.MapLedgerAdminApi().AddEndpointFilter<AnswerTimeoutFilter>();
        app.MapHealthEndpoints();
        return app;
    }
}
