using MultiCloud.ApiFrontend.Problems;

namespace MultiCloud.ApiFrontend.Apis;

/// <summary>Refuses a mutating request (400) whose <c>Idempotency-Key</c> header is missing or malformed, before it reaches a grain.</summary>
public sealed class IdempotencyKeyFilter : IEndpointFilter
{
    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var values = context.HttpContext.Request.Headers[IdempotencyKey.HeaderName];
        if (values.Count > 1)
        {
            return ValueTask.FromResult<object?>(LedgerProblems.IdempotencyKeyInvalid($"Send exactly one {IdempotencyKey.HeaderName} header."));
        }

        return IdempotencyKey.IsValid(values.ToString(), out var problem)
            ? next(context)
            : ValueTask.FromResult<object?>(LedgerProblems.IdempotencyKeyInvalid(problem));
    }
}
