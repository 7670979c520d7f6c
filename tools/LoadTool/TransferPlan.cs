namespace MultiCloud.LoadTool;

/// <summary>One planned main-phase operation: a transfer between two account indexes, or a read of one.</summary>
/// <param name="IsTransfer">True for a transfer, false for a balance read.</param>
/// <param name="From">Source account index (the read account for reads).</param>
/// <param name="To">Destination account index.</param>
/// <param name="Amount">Amount in minor units.</param>
public readonly record struct TransferPlan(bool IsTransfer, int From, int To, long Amount);
