using Microsoft.AspNetCore.Http.HttpResults;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Apis;

/// <summary><c>/ledger</c>: whole-ledger checks for operators.</summary>
public static class LedgerAdminApi
{
    /// <summary>Maps the ledger endpoints.</summary>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapLedgerAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/ledger").WithTags("Ledger");
        group.MapGet("/reconcile", Reconcile)
            .WithName(nameof(Reconcile))
            .WithSummary("Reconcile the whole ledger")
            .WithDescription("Checks that every balance equals the sum of its entries, entries are numbered without gaps, every transfer has exactly its two sides, and money is conserved per currency. isConsistent is false when an issue was found.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>GET /ledger/reconcile</summary>
    public static async Task<Ok<ReconciliationReport>> Reconcile(IGrainFactory grains, CancellationToken cancellationToken)
        => TypedResults.Ok(await grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync(cancellationToken));
}
