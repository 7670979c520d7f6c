namespace MultiCloud.Grains.Interfaces;

/// <summary>The answer of <see cref="IAccountGrain.PostAsync"/>: the entry, or why it was refused.</summary>
/// <param name="Entry">The posted entry (newly posted, or found from an earlier attempt); null when refused.</param>
/// <param name="Error">Why the posting was refused; null when posted.</param>
[GenerateSerializer, Immutable]
public sealed record PostingResult(
    [property: Id(0)] LedgerEntry? Entry,
    [property: Id(1)] LedgerError? Error);
