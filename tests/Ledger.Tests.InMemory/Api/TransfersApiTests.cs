using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>/transfers and /ledger on a real Kestrel on loopback.</summary>
public sealed class TransfersApiTests(ApiHostFixture fixture) : IClassFixture<ApiHostFixture>
{
    private ApiHost Api => fixture.Host;

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_is_201_with_location_and_can_be_read_by_id_and_by_idempotency_key()
    {
        var from = await Api.OpenAccountAsync(deposit: 1_000);
        var to = await Api.OpenAccountAsync();
        var key = LedgerActions.NewKey();

        using var response = await Api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 400 }, key);
        var transfer = await response.JsonAsync();
        var byId = await Api.Client.GetFromJsonAsync<JsonElement>(response.Headers.Location, TestContext.Current.CancellationToken);
        var byKey = await Api.Client.GetFromJsonAsync<JsonElement>($"/transfers?idempotencyKey={key}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("completed", 400L, "EUR", key), (transfer.GetProperty("status").GetString(), transfer.GetProperty("amount").GetInt64(),
            transfer.GetProperty("currency").GetString(), transfer.GetProperty("idempotencyKey").GetString()));
        Assert.Equal(transfer.GetProperty("id").GetGuid(), byId.GetProperty("id").GetGuid());
        Assert.Equal("completed", byId.GetProperty("status").GetString());
        Assert.Equal(transfer.GetProperty("id").GetGuid(), byKey.GetProperty("id").GetGuid());
        Assert.Equal(600, await Api.BalanceAsync(from));
        Assert.Equal(400, await Api.BalanceAsync(to));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Refused_transfer_is_409_with_its_id_recorded_as_rejected_and_replays_byte_for_byte()
    {
        var from = await Api.OpenAccountAsync(deposit: 100);
        var to = await Api.OpenAccountAsync();
        var key = LedgerActions.NewKey();
        var body = new { fromAccountId = from, toAccountId = to, amount = 500 };

        using var first = await Api.PostAsync("/transfers", body, key);
        using var retry = await Api.PostAsync("/transfers", body, key);

        var problem = await first.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient-funds", "amount");
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await retry.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var recorded = await Api.Client.GetFromJsonAsync<JsonElement>($"/transfers/{problem.GetProperty("transferId").GetGuid()}", TestContext.Current.CancellationToken);
        Assert.Equal("rejected", recorded.GetProperty("status").GetString());
        Assert.Equal("insufficientFunds", recorded.GetProperty("failure").GetProperty("code").GetString());
        Assert.Equal(100, await Api.BalanceAsync(from));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_between_currencies_is_422_naming_toAccountId()
    {
        var from = await Api.OpenAccountAsync("EUR", deposit: 100);
        var to = await Api.OpenAccountAsync("USD");

        using var response = await Api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 10 }, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "currency-mismatch", "toAccountId");
        Assert.Equal(100, await Api.BalanceAsync(from));
        Assert.Equal(0, await Api.BalanceAsync(to));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_from_an_unknown_account_is_404_naming_fromAccountId()
    {
        var to = await Api.OpenAccountAsync();

        using var response = await Api.PostAsync("/transfers", new { fromAccountId = Guid.NewGuid(), toAccountId = to, amount = 10 }, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "account-not-found", "fromAccountId");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_to_the_same_account_is_400_naming_toAccountId()
    {
        var account = await Api.OpenAccountAsync(deposit: 100);

        using var response = await Api.PostAsync("/transfers", new { fromAccountId = account, toAccountId = account, amount = 10 }, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "toAccountId");
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("{\"toAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e8f\",\"amount\":5}", "fromAccountId")]
    [InlineData("{\"fromAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e8f\",\"amount\":5}", "toAccountId")]
    [InlineData("{\"fromAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e8f\",\"toAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e80\"}", "amount")]
    [InlineData("{\"fromAccountId\":\"nope\",\"toAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e80\",\"amount\":5}", "fromAccountId")]
    [InlineData("{\"fromAccountId\":\"00000000-0000-0000-0000-000000000000\",\"toAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e80\",\"amount\":5}", "fromAccountId")]
    [InlineData("{\"fromAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e8f\",\"toAccountId\":\"0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e80\",\"amount\":0}", "amount")]
    public async Task Invalid_transfer_request_is_400_naming_the_field(string body, string field)
    {
        using var response = await Api.PostRawAsync("/transfers", body, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Same_key_with_a_different_body_is_422_and_applies_nothing()
    {
        var from = await Api.OpenAccountAsync(deposit: 1_000);
        var to = await Api.OpenAccountAsync();
        var key = LedgerActions.NewKey();
        using var first = await Api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 100 }, key);

        using var reused = await Api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 200 }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key");
        Assert.Equal(900, await Api.BalanceAsync(from));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Duplicate_while_the_first_is_in_flight_is_409_with_retry_after()
    {
        var from = await Api.OpenAccountAsync(deposit: 1_000);
        var to = await Api.OpenAccountAsync();
        var key = LedgerActions.NewKey();
        var body = new { fromAccountId = from, toAccountId = to, amount = 100 };
        var hold = Api.Gate.HoldNextWrite("ledger-operation");

        var first = Api.PostAsync("/transfers", body, key);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        using var duplicate = await Api.PostAsync("/transfers", body, key);
        hold.Released.SetResult();
        using var completed = await first;

        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict, "idempotency-key-in-flight", "Idempotency-Key");
        Assert.NotNull(duplicate.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);
        Assert.Equal(900, await Api.BalanceAsync(from));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Operation_whose_outcome_is_unknown_is_503_outcome_unknown_with_retry_after_and_the_retry_applies_once()
    {
        var account = await Api.OpenAccountAsync(deposit: 100);
        var key = LedgerActions.NewKey();
        Api.Gate.BeforeWrite = (state, _) => state == "ledger-account"
            ? Task.FromException(new TimeoutException("injected: the database did not answer"))
            : Task.CompletedTask;

        using var unknown = await Api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 30 }, key);
        Api.Gate.BeforeWrite = null;
        using var retry = await Api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 30 }, key);

        await unknown.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "outcome-unknown", null);
        Assert.NotNull(unknown.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(70, await Api.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Unknown_transfer_is_404_and_lookup_parameters_are_validated()
    {
        using var unknownId = await Api.Client.GetAsync($"/transfers/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        using var malformedId = await Api.Client.GetAsync("/transfers/123", TestContext.Current.CancellationToken);
        using var unknownKey = await Api.Client.GetAsync($"/transfers?idempotencyKey={LedgerActions.NewKey()}", TestContext.Current.CancellationToken);
        using var missingKey = await Api.Client.GetAsync("/transfers", TestContext.Current.CancellationToken);
        using var badKey = await Api.Client.GetAsync("/transfers?idempotencyKey=has%20space", TestContext.Current.CancellationToken);

        await unknownId.AssertProblemAsync(HttpStatusCode.NotFound, "transfer-not-found", "transferId");
        await malformedId.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "transferId");
        await unknownKey.AssertProblemAsync(HttpStatusCode.NotFound, "transfer-not-found", "idempotencyKey");
        await missingKey.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "idempotencyKey");
        await badKey.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "idempotencyKey");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Reconcile_reports_a_consistent_ledger_with_conserved_money()
    {
        var from = await Api.OpenAccountAsync(deposit: 700);
        var to = await Api.OpenAccountAsync();
        using var transfer = await Api.PostAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 200 }, LedgerActions.NewKey());

        var report = await Api.Client.GetFromJsonAsync<JsonElement>("/ledger/reconcile", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);
        Assert.True(report.GetProperty("isConsistent").GetBoolean());
        Assert.Empty(report.GetProperty("issues").EnumerateArray());
        Assert.NotEmpty(report.GetProperty("currencies").EnumerateArray());
        foreach (var currency in report.GetProperty("currencies").EnumerateArray())
        {
            Assert.Equal(currency.GetProperty("deposits").GetInt64() - currency.GetProperty("withdrawals").GetInt64() - currency.GetProperty("inFlight").GetInt64(),
                currency.GetProperty("totalBalance").GetInt64());
        }
    }
}
