using System.Diagnostics;
using System.Net;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>The API answers within Api:AnswerTimeout even while the grain call it waits for hangs.</summary>
public sealed class AnswerTimeoutTests : IAsyncLifetime
{
    private ApiHost _api = null!;

    public async ValueTask InitializeAsync() => _api = await ApiHost.StartAsync(null, "--Api:AnswerTimeout=00:00:00.500");

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_transfer_whose_grain_call_hangs_is_answered_503_outcome_unknown_in_time_and_its_retry_applies_it_once()
    {
        var from = await OpenAccountAsync(deposit: 1_000);
        var to = await OpenAccountAsync();
        var key = LedgerActions.NewKey();
        var body = new { fromAccountId = from, toAccountId = to, amount = 250 };
        var hold = _api.Gate.HoldNextWrite("ledger-operation");

        var clock = Stopwatch.StartNew();
        // Without the answer timeout this would wait for the held write, which is released only after the answer.
        using var unknown = await _api.PostAsync("/transfers", body, key).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var answeredAfter = clock.Elapsed;
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        hold.Released.SetResult();
        using var retry = await RetryUntilDefiniteAsync(() => _api.PostAsync("/transfers", body, key));

        await unknown.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "outcome-unknown", null);
        Assert.NotNull(unknown.Headers.RetryAfter);
        // The duration is the point: answered at the 500 ms answer timeout, not after the held write. Margin: 50 ms
        // below (timer granularity), 10x above (a loaded 2-core machine); without the timeout it would never answer.
        Assert.InRange(answeredAfter.TotalMilliseconds, 450, 5_000);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(750, await BalanceAsync(from));
        Assert.Equal(250, await BalanceAsync(to));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_balance_read_that_cannot_be_answered_in_time_is_503_service_unavailable()
    {
        var account = await OpenAccountAsync(deposit: 100);
        var hold = _api.Gate.HoldNextWrite("ledger-account");
        var depositKey = LedgerActions.NewKey();
        var deposit = _api.PostAsync($"/accounts/{account}/deposits", new { amount = 5 }, depositKey);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The account grain is busy with the held write, so the read waits behind it.
        using var read = await _api.Client.GetAsync($"/accounts/{account}", TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        hold.Released.SetResult();
        (await deposit).Dispose();
        using var deposited = await RetryUntilDefiniteAsync(() => _api.PostAsync($"/accounts/{account}/deposits", new { amount = 5 }, depositKey));

        await read.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable", null);
        Assert.Equal(HttpStatusCode.OK, deposited.StatusCode);
        Assert.Equal(105, await BalanceAsync(account));
    }

    /// <summary>
    /// Opens (and funds) an account, retrying a 503 with the same idempotency keys: with the 500 ms answer timeout a
    /// loaded machine can answer the first calls to a fresh host 503 (seen with six CPU hogs running).
    /// </summary>
    private async Task<Guid> OpenAccountAsync(long deposit = 0)
    {
        var openKey = LedgerActions.NewKey();
        using var opened = await RetryUntilDefiniteAsync(() => _api.PostAsync("/accounts", new { owner = "Ada", currency = "EUR" }, openKey));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var id = (await opened.JsonAsync()).GetProperty("id").GetGuid();
        if (deposit > 0)
        {
            var depositKey = LedgerActions.NewKey();
            using var deposited = await RetryUntilDefiniteAsync(() => _api.PostAsync($"/accounts/{id}/deposits", new { amount = deposit }, depositKey));
            Assert.Equal(HttpStatusCode.OK, deposited.StatusCode);
        }

        return id;
    }

    /// <summary>
    /// The balance once the API answers it: with a 500 ms answer timeout a loaded 2-core machine can answer a plain read
    /// 503 too (seen with six CPU hogs running), which a client retries.
    /// </summary>
    private async Task<long> BalanceAsync(Guid account)
    {
        using var read = await RetryUntilDefiniteAsync(() => _api.Client.GetAsync($"/accounts/{account}", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return (await read.JsonAsync()).GetProperty("balance").GetInt64();
    }

    /// <summary>A first answer of 503 (the held call still going on) is retried, as a client must.</summary>
    private static async Task<HttpResponseMessage> RetryUntilDefiniteAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable && response.StatusCode != HttpStatusCode.Conflict || attempt == 50)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
