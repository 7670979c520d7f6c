using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.ApiFrontend.Problems;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Apis;

/// <summary><c>/transfers</c>: move money between two accounts; look a transfer up by id or by idempotency key.</summary>
public static class TransfersApi
{
    /// <summary>Maps the transfer endpoints.</summary>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapTransfersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/transfers").WithTags("Transfers");

        group.MapPost("/", CreateTransfer)
            .WithName(nameof(CreateTransfer))
            .WithSummary("Transfer money between two accounts")
            .WithDescription("Debits one account and credits the other, same currency, atomically: after any failure it is fully applied or not at all. Requires Idempotency-Key.")
            .AsLedgerOperation();

        group.MapGet("/{transferId}", GetTransfer)
            .WithName(nameof(GetTransfer))
            .WithSummary("Get a transfer by id")
            .WithDescription("The way to resolve an unknown outcome: pending, completed or rejected.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", FindTransfer)
            .WithName(nameof(FindTransfer))
            .WithSummary("Find a transfer by the Idempotency-Key it was requested with")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>POST /transfers</summary>
    public static Task<Results<Created<TransferSnapshot>, ProblemHttpResult, ValidationProblem>> CreateTransfer(
        TransferRequest request,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        IGrainFactory grains,
        IOptions<LedgerOptions> options,
        HttpContext http)
    {
        var missing = new List<LedgerError>(3);
        if (request.FromAccountId is null)
        {
            missing.Add(new LedgerError(LedgerErrorCode.InvalidRequest, "fromAccountId", "fromAccountId is required (UUID)."));
        }

        if (request.ToAccountId is null)
        {
            missing.Add(new LedgerError(LedgerErrorCode.InvalidRequest, "toAccountId", "toAccountId is required (UUID)."));
        }

        if (request.Amount is null)
        {
            missing.Add(new LedgerError(LedgerErrorCode.InvalidRequest, "amount", "amount is required: an integer number of minor currency units."));
        }

        var command = new TransferCommand(request.FromAccountId ?? Guid.Empty, request.ToAccountId ?? Guid.Empty, request.Amount ?? 0);
        var errors = missing.Count > 0 ? missing : LedgerCommandRules.Validate(command, options.Value);
        if (errors.Count > 0)
        {
            return Task.FromResult<Results<Created<TransferSnapshot>, ProblemHttpResult, ValidationProblem>>(LedgerProblems.Validation(errors));
        }

        return OperationReplies.ExecuteAsync(grains, http, idempotencyKey!, command,
            result => TypedResults.Created($"/transfers/{result.Transfer!.Id}", result.Transfer));
    }

    /// <summary>GET /transfers/{transferId}</summary>
    public static async Task<Results<Ok<TransferSnapshot>, ProblemHttpResult, ValidationProblem>> GetTransfer(
        string transferId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!AccountsApi.TryParseId(transferId, "transferId", out var id, out var invalid))
        {
            return invalid;
        }

        return await grains.GetGrain<ILedgerQueryGrain>(0).GetTransferAsync(id, cancellationToken) is { } transfer
            ? TypedResults.Ok(transfer)
            : LedgerProblems.TransferNotFound("transferId", $"No transfer has id {id}.");
    }

    /// <summary>GET /transfers?idempotencyKey=...</summary>
    public static async Task<Results<Ok<TransferSnapshot>, ProblemHttpResult, ValidationProblem>> FindTransfer(
        string? idempotencyKey, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!IdempotencyKey.IsValid(idempotencyKey, out var problem))
        {
            return LedgerProblems.Validation("idempotencyKey", problem.Replace("header", "query parameter", StringComparison.Ordinal));
        }

        return await grains.GetGrain<ILedgerQueryGrain>(0).FindTransferByIdempotencyKeyAsync(idempotencyKey!, cancellationToken) is { } transfer
            ? TypedResults.Ok(transfer)
            : LedgerProblems.TransferNotFound("idempotencyKey", "No transfer was recorded under this idempotency key (never, or before it was accepted).");
    }
}
