using Microsoft.Extensions.Time.Testing;
using MultiCloud.Grains;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>A posting's retries (<see cref="PostingRetry"/>, Polly on a fake clock): how many, how far apart, and marked.</summary>
public sealed class PostingRetryTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Failed_tries_are_retried_100_ms_then_200_ms_later_and_every_retry_is_marked()
    {
        var time = new FakeTimeProvider();
        var failed = new List<int>();
        var retry = new PostingRetry(3, time, (_, n) => failed.Add(n));
        var tries = new List<(bool IsRetry, DateTimeOffset At)>();

        var running = retry.ExecuteAsync(isRetry =>
        {
            tries.Add((isRetry, time.GetUtcNow()));
            return tries.Count < 3 ? Task.FromException<int>(new TimeoutException("injected")) : Task.FromResult(42);
        }, isRetry: false);
        await AdvanceUntilAsync(time, () => tries.Count == 2, TimeSpan.FromMilliseconds(100));
        await AdvanceUntilAsync(time, () => tries.Count == 3, TimeSpan.FromMilliseconds(200));

        Assert.Equal(42, await running);
        Assert.Equal([false, true, true], tries.Select(t => t.IsRetry));
        // The fake clock moves in 1 ms steps while the test polls: a retry may register its delay a step late.
        Assert.InRange((tries[1].At - tries[0].At).TotalMilliseconds, 100, 110);
        Assert.InRange((tries[2].At - tries[1].At).TotalMilliseconds, 200, 210);
        Assert.Equal([1, 2], failed);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task After_the_last_try_fails_the_outcome_is_unknown_and_a_resumed_operation_marks_even_its_first_try()
    {
        var time = new FakeTimeProvider();
        var retry = new PostingRetry(2, time, (_, _) => { });
        var marks = new List<bool>();

        var running = retry.ExecuteAsync<int>(isRetry =>
        {
            marks.Add(isRetry);
            return Task.FromException<int>(new TimeoutException("injected"));
        }, isRetry: true);
        await AdvanceUntilAsync(time, () => marks.Count == 2, TimeSpan.FromMilliseconds(100));

        var error = await Assert.ThrowsAsync<OperationInterruptedException>(() => running);
        Assert.Contains("failed 2 times", error.Message, StringComparison.Ordinal);
        Assert.Equal([true, true], marks);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task An_interrupted_operation_is_not_retried()
    {
        var retry = new PostingRetry(3, new FakeTimeProvider(), (_, _) => { });
        var tries = 0;

        await Assert.ThrowsAsync<OperationInterruptedException>(() => retry.ExecuteAsync<int>(_ =>
        {
            tries++;
            return Task.FromException<int>(new OperationInterruptedException("already unknown"));
        }, isRetry: false));

        Assert.Equal(1, tries);
    }

    /// <summary>Advances the fake clock by <paramref name="step"/> once the retry is waiting, then waits for <paramref name="done"/>.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var advanced = TimeSpan.Zero;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the retry did not run");
            if (advanced < step + TimeSpan.FromMilliseconds(10))
            {
                // Polly registers its delay timer asynchronously: step in 1 ms ticks so the timer fires exactly at its time.
                time.Advance(TimeSpan.FromMilliseconds(1));
                advanced += TimeSpan.FromMilliseconds(1);
            }

            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
