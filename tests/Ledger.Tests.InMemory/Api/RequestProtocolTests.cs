using System.Net;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>Malformed requests: bad JSON, unknown or duplicate fields, wrong media type, oversized bodies, bad idempotency keys.</summary>
public sealed class RequestProtocolTests(ApiHostFixture fixture) : IClassFixture<ApiHostFixture>
{
    private ApiHost Api => fixture.Host;

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData("{", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("{\"owner\":\"Ada\",\"currency\":\"EUR\",\"extra\":1}", "extra")]
    [InlineData("{\"owner\":\"Ada\",\"owner\":\"Bob\",\"currency\":\"EUR\"}", "owner")]
    public async Task Malformed_json_is_400_naming_where_it_broke(string body, string field)
    {
        using var response = await Api.PostRawAsync("/accounts", body, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Empty_body_is_400()
    {
        using var response = await Api.PostRawAsync("/accounts", string.Empty, LedgerActions.NewKey());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "body");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Body_that_is_not_json_is_415()
    {
        using var response = await Api.PostRawAsync("/accounts", "owner=Ada&currency=EUR", LedgerActions.NewKey(), "application/x-www-form-urlencoded");

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type", "body");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Oversized_body_is_413_and_leaves_its_idempotency_key_unused()
    {
        var owner = new string('x', 20_000);
        var key = LedgerActions.NewKey();

        using var response = await Api.PostRawAsync("/accounts", $"{{\"owner\":\"{owner}\",\"currency\":\"EUR\"}}", key);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large", "body");
        // Had the refused request opened an account, its key would be bound to that body: a different body with the
        // same key would be refused (422) or replayed. It opens a fresh account instead.
        using var fresh = await Api.PostAsync("/accounts", new { owner = "Ada", currency = "EUR" }, key);
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.False(fresh.Headers.Contains("Idempotent-Replayed"), "the key had not been used");
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a*b")]
    [InlineData("k/1")]
    public async Task Missing_or_malformed_idempotency_key_is_400_and_changes_nothing(string? key)
    {
        var account = await Api.OpenAccountAsync(deposit: 10);

        using var response = await Api.PostRawAsync($"/accounts/{account}/deposits", "{\"amount\":5}", key);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-invalid", "Idempotency-Key");
        Assert.Equal(10, await Api.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Idempotency_key_longer_than_128_characters_is_400()
    {
        using var response = await Api.PostAsync("/accounts", new { owner = "Ada", currency = "EUR" }, new string('k', 129));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-invalid", "Idempotency-Key");
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Two_idempotency_key_headers_are_400()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/accounts")
        {
            Content = new StringContent("{\"owner\":\"Ada\",\"currency\":\"EUR\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["a-1", "a-2"]);

        using var response = await Api.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-invalid", "Idempotency-Key");
    }
}
