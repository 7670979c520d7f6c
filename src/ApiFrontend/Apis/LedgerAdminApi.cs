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
        group.MapGet("/placement", Placement)
            .WithName(nameof(Placement))
            .WithSummary("Where the activations live")
            .WithDescription("The cluster's silos that are not dead, each with its region (silo metadata cloud.region), membership status and its account and operation activations, and the region of the database primary as the answering silo last observed it. Activations follow the primary's region.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>GET /ledger/placement</summary>
    public static async Task<Ok<PlacementReport>> Placement(IGrainFactory grains, CancellationToken cancellationToken)
        => TypedResults.Ok(await grains.GetGrain<ILedgerQueryGrain>(0).GetPlacementAsync(cancellationToken));

    /// <summary>GET /ledger/reconcile</summary>
    public static async Task<Ok<ReconciliationReport>> Reconcile(IGrainFactory grains, CancellationToken cancellationToken)
        => TypedResults.Ok(await grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync(cancellationToken));
}
