using Orleans.Concurrency;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// One ledger operation, keyed by the client's idempotency key. It records the command durably, drives the account
/// postings (for a transfer: debit, then credit, then completion; a durable saga whose steps are idempotent), and
/// stores the final result so that retries get the original answer.
/// </summary>
public interface ILedgerOperationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Executes the command once: the first call starts it; a retry with an equal command returns the stored result
    /// (or resumes an interrupted operation); a call while one is executing returns <see cref="OperationReplyStatus.InFlight"/>;
    /// a different command under the same key returns <see cref="OperationReplyStatus.KeyReused"/>. A stored result is
    /// answered only after this activation wrote it back (proving it durable); otherwise the reply is
    /// <see cref="OperationReplyStatus.OutcomeUnknown"/>.
    /// </summary>
    /// <param name="command">The command; its amounts and ids were validated by the caller.</param>
    Task<OperationReply> ExecuteAsync(LedgerCommand command);

    /// <summary>
    /// Returns the operation's current state, or null when the key was never used (or was purged). A completed result
    /// read from storage is written back once per activation before it is returned (the read may have come from a
    /// primary cut off from its synchronous standby); when that write fails the reply is
    /// <see cref="OperationReplyStatus.OutcomeUnknown"/>. The operation's content never changes.
    /// </summary>
    [AlwaysInterleave]
    Task<OperationReply?> GetAsync();

    /// <summary>Finishes an operation left pending by a crash. Returns true when it is (now) completed.</summary>
    Task<bool> ResumeAsync();

    /// <summary>
    /// Deletes the operation's record when it completed longer than <paramref name="retention"/> ago, which ends the
    /// key's idempotency guarantee. Transfer records and ledger entries are kept. Returns true when deleted.
    /// </summary>
    Task<bool> ExpireAsync(TimeSpan retention);
}
