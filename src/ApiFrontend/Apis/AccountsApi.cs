using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.ApiFrontend.Problems;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Apis;

/// <summary><c>/accounts</c>: open an account, read it, deposit, withdraw, page through its entries.</summary>
public static class AccountsApi
{
    /// <summary>Largest page of entries.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Maps the account endpoints.</summary>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/accounts").WithTags("Accounts");

        group.MapPost("/", OpenAccount)
            .WithName(nameof(OpenAccount))
            .WithSummary("Open an account")
            .WithDescription("Opens an account with a zero balance in one currency. Requires Idempotency-Key.")
            .AsLedgerOperation();

        group.MapGet("/{accountId}", GetAccount)
            .WithName(nameof(GetAccount))
            .WithSummary("Get an account and its balance")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/{accountId}/deposits", Deposit)
            .WithName(nameof(Deposit))
            .WithSummary("Deposit money")
            .WithDescription("Credits the account. Amount in minor currency units. Requires Idempotency-Key.")
            .AsLedgerOperation();

        group.MapPost("/{accountId}/withdrawals", Withdraw)
            .WithName(nameof(Withdraw))
            .WithSummary("Withdraw money")
            .WithDescription("Debits the account; refused (409) when the balance is smaller than the amount. Requires Idempotency-Key.")
            .AsLedgerOperation();

        group.MapGet("/{accountId}/entries", GetEntries)
            .WithName(nameof(GetEntries))
            .WithSummary("Page through an account's ledger entries")
            .WithDescription("Entries in sequence order, after the given sequence. Pass nextAfterSequence back to get the next page.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>POST /accounts</summary>
    public static Task<Results<Created<AccountSnapshot>, ProblemHttpResult, ValidationProblem>> OpenAccount(
        OpenAccountRequest request,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        IGrainFactory grains,
        IOptions<LedgerOptions> options,
        HttpContext http)
    {
        var command = new OpenAccountCommand(request.Owner ?? string.Empty, request.Currency ?? string.Empty);
        if (LedgerCommandRules.Validate(command, options.Value) is { Count: > 0 } errors)
        {
            return Task.FromResult<Results<Created<AccountSnapshot>, ProblemHttpResult, ValidationProblem>>(LedgerProblems.Validation(errors));
        }

        return OperationReplies.ExecuteAsync(grains, http, idempotencyKey!, command,
            result => TypedResults.Created($"/accounts/{result.Account!.Id}", result.Account));
    }

    /// <summary>GET /accounts/{accountId}</summary>
    public static async Task<Results<Ok<AccountSnapshot>, ProblemHttpResult, ValidationProblem>> GetAccount(string accountId, IGrainFactory grains)
    {
        if (!TryParseId(accountId, "accountId", out var id, out var invalid))
        {
            return invalid;
        }

        return await grains.GetGrain<IAccountGrain>(id).GetCurrentAsync() is { } account
            ? TypedResults.Ok(account)
            : LedgerProblems.AccountNotFound(id);
    }

    /// <summary>POST /accounts/{accountId}/deposits</summary>
    public static Task<Results<Ok<LedgerEntry>, ProblemHttpResult, ValidationProblem>> Deposit(
        string accountId,
        AmountRequest request,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        IGrainFactory grains,
        IOptions<LedgerOptions> options,
        HttpContext http)
        => PostAsync(accountId, request, idempotencyKey!, grains, options.Value, http, (id, amount) => new DepositCommand(id, amount));

    /// <summary>POST /accounts/{accountId}/withdrawals</summary>
    public static Task<Results<Ok<LedgerEntry>, ProblemHttpResult, ValidationProblem>> Withdraw(
        string accountId,
        AmountRequest request,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        IGrainFactory grains,
        IOptions<LedgerOptions> options,
        HttpContext http)
        => PostAsync(accountId, request, idempotencyKey!, grains, options.Value, http, (id, amount) => new WithdrawCommand(id, amount));

    /// <summary>GET /accounts/{accountId}/entries?afterSequence=0&amp;limit=100</summary>
    public static async Task<Results<Ok<EntryPage>, ProblemHttpResult, ValidationProblem>> GetEntries(
        string accountId,
        IGrainFactory grains,
        CancellationToken cancellationToken,
        long afterSequence = 0,
        int limit = 100)
    {
        if (!TryParseId(accountId, "accountId", out var id, out var invalid))
        {
            return invalid;
        }

        if (afterSequence < 0)
        {
            return LedgerProblems.Validation("afterSequence", "afterSequence must be 0 or a positive entry sequence number.");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return LedgerProblems.Validation("limit", $"limit must be from 1 to {MaxPageSize}.");
        }

        if (await grains.GetGrain<IAccountGrain>(id).GetCurrentAsync() is null)
        {
            return LedgerProblems.AccountNotFound(id);
        }

        return TypedResults.Ok(await grains.GetGrain<ILedgerQueryGrain>(0).GetEntriesAsync(id, afterSequence, limit, cancellationToken));
    }

    private static Task<Results<Ok<LedgerEntry>, ProblemHttpResult, ValidationProblem>> PostAsync(
        string accountId,
        AmountRequest request,
        string idempotencyKey,
        IGrainFactory grains,
        LedgerOptions options,
        HttpContext http,
        Func<Guid, long, LedgerCommand> create)
    {
        if (!TryParseId(accountId, "accountId", out var id, out var invalid))
        {
            return Task.FromResult<Results<Ok<LedgerEntry>, ProblemHttpResult, ValidationProblem>>(invalid);
        }

        if (request.Amount is not { } amount)
        {
            return Task.FromResult<Results<Ok<LedgerEntry>, ProblemHttpResult, ValidationProblem>>(
                LedgerProblems.Validation("amount", "amount is required: an integer number of minor currency units."));
        }

        var command = create(id, amount);
        if (LedgerCommandRules.Validate(command, options) is { Count: > 0 } errors)
        {
            return Task.FromResult<Results<Ok<LedgerEntry>, ProblemHttpResult, ValidationProblem>>(LedgerProblems.Validation(errors));
        }

        return OperationReplies.ExecuteAsync(grains, http, idempotencyKey, command, result => TypedResults.Ok(result.Entry!));
    }

    internal static bool TryParseId(string value, string field, out Guid id, out ValidationProblem problem)
    {
        if (Guid.TryParseExact(value, "D", out id) && id != Guid.Empty)
        {
            problem = null!;
            return true;
        }

        problem = LedgerProblems.Validation(field, $"{field} must be a UUID like 0190a0b4-6f5e-7c3a-9d1e-2f4b5c6d7e8f.");
        return false;
    }
}
