namespace MultiCloud.Grains.Interfaces;

/// <summary>What one maintenance pass did.</summary>
/// <param name="Resumed">Stalled operations found and driven to completion.</param>
/// <param name="StillPending">Stalled operations that could not be finished this time (retried next pass).</param>
/// <param name="Purged">Idempotency records deleted because their retention had passed.</param>
[GenerateSerializer, Immutable]
public sealed record MaintenanceReport(
    [property: Id(0)] int Resumed,
    [property: Id(1)] int StillPending,
    [property: Id(2)] int Purged);
