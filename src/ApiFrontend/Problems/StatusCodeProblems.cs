using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MultiCloud.ApiFrontend.Problems;

/// <summary>
/// Problem bodies for error statuses that the framework sets without an exception or a body (a request body over
/// the size limit, a body that is not JSON, an unknown route, a wrong method).
/// </summary>
public static class StatusCodeProblems
{
    /// <summary>Writes the problem for the response's status code.</summary>
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var problem = status switch
        {
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails
            {
                Type = ProblemTypes.BodyTooLarge,
                Title = "The request body is too large.",
                Detail = "Ledger requests are well under 1 KiB; see Api:MaxRequestBodyBytes.",
                Extensions = { ["field"] = "body" },
            },
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails
            {
                Type = ProblemTypes.UnsupportedMediaType,
                Title = "The request body must be JSON.",
                Detail = "Send the body as application/json.",
                Extensions = { ["field"] = "body" },
            },
            _ => new ProblemDetails(),
        };
        problem.Status = status;
        var writer = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
