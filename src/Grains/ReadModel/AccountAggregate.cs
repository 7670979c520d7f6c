namespace MultiCloud.Grains.ReadModel;

/// <summary>One account's stored balance next to the aggregate of its entries (amounts in minor units).</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Balance">The balance stored with the account state.</param>
/// <param name="LastSequence">The last sequence stored with the account state.</param>
/// <param name="EntryCount">Number of entries.</param>
/// <param name="EntriesSum">Sum of the signed entry amounts.</param>
/// <param name="MinSequence">Smallest entry sequence (0 when none).</param>
/// <param name="MaxSequence">Largest entry sequence (0 when none).</param>
/// <param name="Deposits">Sum of deposit entries.</param>
/// <param name="Withdrawals">Sum of withdrawal entries, as a positive number.</param>
public sealed record AccountAggregate(
    Guid AccountId,
    string Currency,
    long Balance,
    long LastSequence,
    long EntryCount,
    long EntriesSum,
    long MinSequence,
    long MaxSequence,
    long Deposits,
    long Withdrawals);
