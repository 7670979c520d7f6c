namespace MultiCloud.Grains.Interfaces;

/// <summary>A page of an account's ledger entries in sequence order.</summary>
/// <param name="Items">The entries, oldest first.</param>
/// <param name="NextAfterSequence">Pass as <c>afterSequence</c> to get the next page; null when this is the last page.</param>
[GenerateSerializer, Immutable]
public sealed record EntryPage(
    [property: Id(0)] IReadOnlyList<LedgerEntry> Items,
    [property: Id(1)] long? NextAfterSequence);
