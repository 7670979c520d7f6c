namespace MultiCloud.Grains.Interfaces;

/// <summary>One silo's part of a <see cref="PlacementReport"/>.</summary>
/// <param name="Address">The silo address (<c>ip:port@generation</c>).</param>
/// <param name="Name">The silo name.</param>
/// <param name="Region">The silo's region (silo metadata <c>cloud.region</c>), null when it has none.</param>
/// <param name="Status">Membership status (Active, Joining, ShuttingDown...).</param>
/// <param name="Accounts">Account grain activations on it.</param>
/// <param name="Operations">Ledger operation grain activations on it.</param>
[GenerateSerializer, Immutable]
public sealed record SiloPlacement(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Region,
    [property: Id(3)] string Status,
    [property: Id(4)] int Accounts,
    [property: Id(5)] int Operations);
