using MultiCloud.Grains.Interfaces;

namespace MultiCloud.Grains.ReadModel;

/// <summary>
/// One transfer's record next to the entries posted under its id. <see cref="Status"/> is null for entries whose
/// transfer record does not exist (which reconciliation reports).
/// </summary>
/// <param name="TransferId">The transfer id (operation id of its entries).</param>
/// <param name="Status">The recorded status, or null when there is no transfer record.</param>
/// <param name="Amount">The recorded amount (0 when there is no record).</param>
/// <param name="Currency">The recorded currency (empty when there is no record).</param>
/// <param name="OutCount">Number of transfer-out entries.</param>
/// <param name="OutSum">Sum of transfer-out entries (negative).</param>
/// <param name="InCount">Number of transfer-in entries.</param>
/// <param name="InSum">Sum of transfer-in entries.</param>
/// <param name="ReversalCount">Number of reversal entries.</param>
/// <param name="ReversalSum">Sum of reversal entries.</param>
public sealed record TransferAggregate(
    Guid TransferId,
    TransferStatus? Status,
    long Amount,
    string Currency,
    long OutCount,
    long OutSum,
    long InCount,
    long InSum,
    long ReversalCount,
    long ReversalSum);
