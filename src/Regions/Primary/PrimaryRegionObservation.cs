namespace MultiCloud.Regions.Primary;

/// <summary>What a silo last learned about the database primary.</summary>
/// <param name="Region">
/// The region of the database primary (the primary's <c>ledger.region</c> setting), or null when the database does not
/// say (no region configured: placement then ignores regions).
/// </param>
/// <param name="ConfirmedAt">
/// When this silo last reached the primary and found itself active in the membership table (<see cref="TimeProvider.GetTimestamp"/>
/// units), or null when it never has. Balances are served from memory only while this is recent.
/// </param>
public readonly record struct PrimaryRegionObservation(string? Region, long? ConfirmedAt);
