namespace MultiCloud.Grains.Interfaces;

/// <summary>An account as its grain holds it at the moment of the call.</summary>
/// <param name="Id">The account id (the grain key).</param>
/// <param name="Owner">The owner's name as given when the account was opened.</param>
/// <param name="Currency">ISO 4217 alphabetic code, upper case (e.g. <c>EUR</c>).</param>
/// <param name="Balance">Balance in minor currency units (e.g. cents); never negative.</param>
/// <param name="LastSequence">Sequence number of the newest ledger entry; 0 when there is none.</param>
/// <param name="OpenedAt">When the account was opened (UTC).</param>
[GenerateSerializer, Immutable]
public sealed record AccountSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Balance,
    [property: Id(4)] long LastSequence,
    [property: Id(5)] DateTimeOffset OpenedAt);
