namespace MultiCloud.Grains.Interfaces;

/// <summary>An instruction from a ledger operation to one account: post one entry.</summary>
/// <param name="OperationId">The operation posting it; with <paramref name="Kind"/> it identifies the entry, so a posting is applied at most once.</param>
/// <param name="Kind">The entry kind; decides whether the account is debited or credited.</param>
/// <param name="Amount">Unsigned amount in minor currency units, &gt; 0.</param>
/// <param name="Currency">The currency the operation expects the account to hold; null accepts any (deposits and withdrawals name no currency).</param>
/// <param name="CounterpartyAccountId">For transfer entries, the other account.</param>
/// <param name="IsRetry">
/// False only on the very first attempt of the operation's first activation, after its intent was persisted;
/// true otherwise. A retry makes the account look for an entry already posted by an earlier attempt.
/// </param>
[GenerateSerializer, Immutable]
public sealed record Posting(
    [property: Id(0)] Guid OperationId,
    [property: Id(1)] EntryKind Kind,
    [property: Id(2)] long Amount,
    [property: Id(3)] string? Currency,
    [property: Id(4)] Guid? CounterpartyAccountId,
    [property: Id(5)] bool IsRetry);
