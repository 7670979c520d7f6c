namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// Prompt recovery as the maintenance grain's current activation has seen it (counters start at 0 when it activates,
/// e.g. after its silo died or the primary moved to another region).
/// </summary>
/// <param name="Requests">
/// Calls of <see cref="ILedgerMaintenanceGrain.RecoverSoonAsync"/> (silo starts, silo deaths, the primary moving to another
/// region); the request the activation makes of itself when it starts is not counted.
/// </param>
/// <param name="Passes">Recovery passes run for them.</param>
/// <param name="NextPassAt">When the last requested pass is due, on the ledger's clock; null when none is waiting.</param>
/// <param name="Running">True while recovery passes are pending or running; false once the last one requested is done.</param>
[GenerateSerializer, Immutable]
public sealed record RecoveryStatus(
    [property: Id(0)] int Requests,
    [property: Id(1)] int Passes,
    [property: Id(2)] DateTimeOffset? NextPassAt,
    [property: Id(3)] bool Running);
