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

    /// <summary>Tag of the checks that decide whether this process's region can take writes now.</summary>
    public const string WritableTag = "writable";

    /// <summary>
    /// Maps <c>/health/live</c> (the process answers HTTP; no check runs) and <c>/health/ready</c> (every check tagged
    /// <see cref="ReadyTag"/> passes: 200 when healthy, 503 otherwise). Both answer JSON.
    /// </summary>
    /// <returns>The same route builder.</returns>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        return endpoints;
    }

    /// <summary>
    /// Maps <c>/health/writable</c>: 200 when every check tagged <see cref="WritableTag"/> passes (this region holds the
    /// database primary and this process confirmed it lately), 503 otherwise; JSON. For a front door choosing the
    /// writable region. Mapped only where such a check is registered (a silo): with none, the endpoint would say yes.
    /// </summary>
    /// <returns>The same route builder.</returns>
    public static IEndpointRouteBuilder MapWritableHealthEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/writable", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(WritableTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        return endpoints;
    }
}
