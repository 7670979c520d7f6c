using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;

namespace MultiCloud.ApiFrontend.Apis;

/// <summary>
/// Answers a ledger request within <see cref="LedgerApiOptions.AnswerTimeout"/>: when the endpoint (its grain
/// calls) has not finished by then, it throws <see cref="TimeoutException"/>, which the exception handler answers 503
/// (outcome unknown for a mutating request). The endpoint's work is not cancelled: a grain call may still complete,
/// which is why a mutation's answer is "outcome unknown" and never a failure.
/// </summary>
/// <param name="options">The <c>Api</c> options.</param>
public sealed class AnswerTimeoutFilter(IOptions<LedgerApiOptions> options) : IEndpointFilter
{
    private readonly TimeSpan _timeout = options.Value.AnswerTimeout;

    /// <inheritdoc />
    /// <exception cref="TimeoutException">The endpoint did not finish within the timeout.</exception>
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var pending = next(context);
        return pending.IsCompleted ? pending : new ValueTask<object?>(pending.AsTask().WaitAsync(_timeout, context.HttpContext.RequestAborted));
    }
}
