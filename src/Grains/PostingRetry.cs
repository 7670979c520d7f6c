using Polly;
using Polly.Retry;

namespace MultiCloud.Grains;

/// <summary>
/// How an operation retries one posting (a debit, a credit, a deposit, opening an account) within one request: up to
/// <c>attempts</c> tries, 100 ms then doubling between them, on <c>timeProvider</c>. Every try after a failure is
/// marked as a retry, because the failed one may have been applied; after the last failure the operation's outcome is
/// unknown (<see cref="OperationInterruptedException"/>) until the request is retried or maintenance resumes it.
/// </summary>
public sealed class PostingRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly int _attempts;

    /// <summary>Builds the pipeline once (per activation), so a call allocates only its own closure.</summary>
    /// <param name="attempts">Tries in all, at least 1 (<c>Ledger:PostingAttempts</c>).</param>
    /// <param name="timeProvider">Clock of the delays between tries.</param>
    /// <param name="onFailed">Told of each failed try that will be retried, with its number (1-based).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempts"/> is below 1.</exception>
    public PostingRetry(int attempts, TimeProvider timeProvider, Action<Exception, int> onFailed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        _attempts = attempts;
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationInterruptedException),
                MaxRetryAttempts = attempts - 1,
                Delay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    onFailed(args.Outcome.Exception!, args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.Build();
    }

    /// <summary>Runs <paramref name="attempt"/>, telling it whether this try is a retry.</summary>
    /// <param name="attempt">One try; its argument is true when an earlier try (or request) may have been applied.</param>
    /// <param name="isRetry">Whether the first try is already a retry (the operation was resumed).</param>
    /// <returns>The first successful try's result.</returns>
    /// <exception cref="OperationInterruptedException">Every try failed: the outcome is unknown.</exception>
    public async Task<T> ExecuteAsync<T>(Func<bool, Task<T>> attempt, bool isRetry)
    {
        var tries = 0;
        // Continue on the captured context: in a grain, every try must run on the activation's scheduler (grain calls
        // from a thread-pool thread are refused), and Polly otherwise resumes after its delay wherever the timer fired.
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true);
        try
        {
            return await _pipeline.ExecuteAsync(async (_, _) => await attempt(isRetry || Interlocked.Increment(ref tries) > 1), context, 0);
        }
        catch (Exception exception) when (exception is not OperationInterruptedException)
        {
            throw new OperationInterruptedException(
                $"A posting failed {_attempts} times ({exception.GetType().Name}: {exception.Message}); the operation's outcome is unknown until it is retried.");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
