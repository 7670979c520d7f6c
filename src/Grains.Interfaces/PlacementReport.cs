namespace MultiCloud.Grains.Interfaces;

/// <summary>Where the ledger's activations live, as one silo sees the cluster (for operators and failover drills).</summary>
/// <param name="PrimaryRegion">The database primary's region as the reporting silo last observed it; null when unknown or not configured.</param>
/// <param name="ReportedBy">The reporting silo's address.</param>
/// <param name="Silos">Every silo in the membership table that is not dead, with its activation counts.</param>
[GenerateSerializer, Immutable]
public sealed record PlacementReport(
    [property: Id(0)] string? PrimaryRegion,
    [property: Id(1)] string ReportedBy,
    [property: Id(2)] IReadOnlyList<SiloPlacement> Silos);
