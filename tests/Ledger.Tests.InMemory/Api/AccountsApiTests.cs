using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>/accounts on a real Kestrel on loopback: every endpoint, every bad input.</summary>
public sealed class AccountsApiTests(ApiHostFixture fixture) : IClassFixture<ApiHostFixture>
{
    private ApiHost Api => fixture.Host;

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Open_account_answers_201_with_location_and_a_zero_balance()
    {
        using var response = await Api.PostAsync("/accounts", new { owner = "Ada Lovelace", currency = "GBP" }, LedgerActions.NewKey());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var account = await response.JsonAsync();
        Assert.Equal($"/accounts/{account.GetProperty("id").GetGuid()}", response.Headers.Location!.OriginalString);
        Assert.Equal(("Ada Lovelace", "GBP", 0L, 0L), (account.GetProperty("owner").GetString(), account.GetProperty("currency").GetString(),
            account.GetProperty("balance").GetInt64(), account.GetProperty("lastSequence").GetInt64()));
        var fetched = await Api.Client.GetFromJsonAsync<JsonElement>(response.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(account.GetProperty("id").GetGuid(), fetched.GetProperty("id").GetGuid());
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Retried_open_returns_the_same_status_and_body_and_opens_one_account()
    {
        var key = LedgerActions.NewKey();
        var before = await AccountCountAsync();
        using var first = await Api.PostAsync("/accounts", new { owner = "Bo", currency = "EUR" }, key);
        using var retry = await Api.PostAsync("/accounts", new { owner = "Bo", currency = "EUR" }, key);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await retry.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(before + 1, await AccountCountAsync()); // the class's host is its own: only this test opens accounts now
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("{\"currency\":\"EUR\"}", "owner")]
    [InlineData("{\"owner\":\"   \",\"currency\":\"EUR\"}", "owner")]
    [InlineData("{\"owner\":\"Ada\",\"currency\":\"eur\"}", "currency")]
    [InlineData("{\"owner\":\"Ada\",\"currency\":\"XYZ\"}", "currency")]
    [InlineData("{\"owner\":\"Ada\"}", "currency")]
    [InlineData("{\"owner\":42,\"currency\":\"EUR\"}", "owner")]
    public async Task Invalid_open_request_is_400_naming_the_field(string body, string field)
    {
        using var response = await Api.PostRawAsync("/accounts", body, LedgerActions.NewKey());

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Owner_longer_than_200_characters_is_refused()
    {
        using var response = await Api.PostAsync("/accounts", new { owner = new string('a', 201), currency = "EUR" }, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "owner");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Get_unknown_account_is_404_and_malformed_id_is_400()
    {
        using var unknown = await Api.Client.GetAsync($"/accounts/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        using var malformed = await Api.Client.GetAsync("/accounts/not-a-uuid", TestContext.Current.CancellationToken);

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "account-not-found", "accountId");
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "accountId");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Deposit_and_withdrawal_return_the_entry_with_the_new_balance()
    {
        var account = await Api.OpenAccountAsync();

        using var deposit = await Api.PostAsync($"/accounts/{account}/deposits", new { amount = 1_000 }, LedgerActions.NewKey());
        using var withdrawal = await Api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 250 }, LedgerActions.NewKey());

        Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawal.StatusCode);
        var credit = await deposit.JsonAsync();
        Assert.Equal(("deposit", 1_000L, 1_000L, 1L), (credit.GetProperty("kind").GetString(), credit.GetProperty("amount").GetInt64(),
            credit.GetProperty("balanceAfter").GetInt64(), credit.GetProperty("sequence").GetInt64()));
        var entry = await withdrawal.JsonAsync();
        Assert.Equal(("withdrawal", -250L, 750L, 2L), (entry.GetProperty("kind").GetString(), entry.GetProperty("amount").GetInt64(),
            entry.GetProperty("balanceAfter").GetInt64(), entry.GetProperty("sequence").GetInt64()));
        Assert.Equal(750, await Api.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Withdrawal_above_the_balance_is_409_and_changes_nothing()
    {
        var account = await Api.OpenAccountAsync(deposit: 100);

        using var response = await Api.PostAsync($"/accounts/{account}/withdrawals", new { amount = 101 }, LedgerActions.NewKey());

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient-funds", "amount");
        Assert.Equal("insufficientFunds", problem.GetProperty("code").GetString());
        Assert.Equal(100, await Api.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Deposit_to_an_unknown_account_is_404()
    {
        using var response = await Api.PostAsync($"/accounts/{Guid.NewGuid()}/deposits", new { amount = 5 }, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "account-not-found", "accountId");
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("{\"amount\":0}")]
    [InlineData("{\"amount\":-1}")]
    [InlineData("{\"amount\":1000001}")]
    [InlineData("{\"amount\":1.5}")]
    [InlineData("{\"amount\":\"10\"}")]
    [InlineData("{\"amount\":null}")]
    [InlineData("{}")]
    [InlineData("{\"amount\":99999999999999999999999}")]
    public async Task Deposit_with_a_bad_amount_is_400_naming_amount_and_changes_nothing(string body)
    {
        var account = await Api.OpenAccountAsync(deposit: 10);

        using var response = await Api.PostRawAsync($"/accounts/{account}/deposits", body, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "amount");
        Assert.Equal(10, await Api.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Entries_page_with_a_cursor_and_refuse_bad_paging_parameters()
    {
        var account = await Api.OpenAccountAsync();
        for (var i = 1; i <= 3; i++)
        {
            using var _ = await Api.PostAsync($"/accounts/{account}/deposits", new { amount = i * 10 }, LedgerActions.NewKey());
        }

        var first = await Api.Client.GetFromJsonAsync<JsonElement>($"/accounts/{account}/entries?limit=2", TestContext.Current.CancellationToken);
        var next = first.GetProperty("nextAfterSequence").GetInt64();
        var second = await Api.Client.GetFromJsonAsync<JsonElement>($"/accounts/{account}/entries?limit=2&afterSequence={next}", TestContext.Current.CancellationToken);
        using var badLimit = await Api.Client.GetAsync($"/accounts/{account}/entries?limit=0", TestContext.Current.CancellationToken);
        using var hugeLimit = await Api.Client.GetAsync($"/accounts/{account}/entries?limit=1001", TestContext.Current.CancellationToken);
        using var badCursor = await Api.Client.GetAsync($"/accounts/{account}/entries?afterSequence=-1", TestContext.Current.CancellationToken);
        using var unknown = await Api.Client.GetAsync($"/accounts/{Guid.NewGuid()}/entries", TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L], first.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal([3L], second.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextAfterSequence").ValueKind);
        await badLimit.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "limit");
        await hugeLimit.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "limit");
        await badCursor.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "afterSequence");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "account-not-found", "accountId");
    }

    /// <summary>Accounts in the ledger, as the reconciliation counts them.</summary>
    private async Task<long> AccountCountAsync()
        => (await Api.Client.GetFromJsonAsync<JsonElement>("/ledger/reconcile", TestContext.Current.CancellationToken)).GetProperty("accounts").GetInt64();
}
