using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MultiCloud.ServiceDefaults;

/// <summary>Health endpoints, mapped in every environment (an orchestrator needs them in production most of all).</summary>
public static class HealthEndpoints
{
    /// <summary>Tag of the checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Tag of the checks that decide whether this process can take writes now.</summary>
    public const string WritableTag = "writable";

    /// <summary>Tag of the checks that decide whether this process's region holds the database primary now.</summary>
    public const string PrimaryRegionTag = "primary-region";

    /// <summary>Liveness: the process answers HTTP (no check runs). Orchestrators restart a process that fails it.</summary>
    public const string LivePath = "/health/live";

    /// <summary>Readiness: every check tagged <see cref="ReadyTag"/> passes. Orchestrators route traffic only while it does.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>
    /// Maps <see cref="LivePath"/> (the process answers HTTP; no check runs) and <see cref="ReadyPath"/> (every check tagged
    /// <see cref="ReadyTag"/> passes: 200 when healthy, 503 otherwise). Both answer JSON.
    /// </summary>
    /// <returns>The same route builder.</returns>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        return endpoints;
    }

    /// <summary>
    /// Maps <c>/health/writable</c> (every check tagged <see cref="WritableTag"/> passes: this process can take writes
    /// now) and <c>/health/primary-region</c> (every check tagged <see cref="PrimaryRegionTag"/> passes: its region holds
    /// the database primary): 200 or 503, JSON. For a front door that sends requests to the primary's region when it
    /// can, and to any writable one otherwise. Mapped only where such checks are registered (a silo): with none, both
    /// endpoints would say yes.
    /// </summary>
    /// <returns>The same route builder.</returns>
    public static IEndpointRouteBuilder MapFrontDoorHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/writable", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(WritableTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        endpoints.MapHealthChecks("/health/primary-region", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(PrimaryRegionTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        return endpoints;
    }
}
