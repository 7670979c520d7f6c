using Orleans.Concurrency;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// One account: the only writer of its balance and its ledger entries. Keyed by the account id.
/// </summary>
/// <remarks>
/// Mutations take no <see cref="CancellationToken"/> on purpose: a cancelled write has an unknown outcome, and the
/// operation grain that drives a posting recovers from that by retrying, not by cancelling.
/// </remarks>
public interface IAccountGrain : IGrainWithGuidKey
{
    /// <summary>Opens the account with a zero balance. Repeating the call with the same operation id returns the account.</summary>
    /// <param name="operationId">The opening operation; must equal the grain key.</param>
    /// <param name="owner">The owner's name.</param>
    /// <param name="currency">ISO 4217 code, upper case.</param>
    /// <returns>The opened account.</returns>
    /// <exception cref="InvalidOperationException">The account was already opened by a different operation.</exception>
    /// <exception cref="StorageUnavailableException">The state could not be read or written; the outcome of a write is unknown.</exception>
    Task<AccountSnapshot> OpenAsync(Guid operationId, string owner, string currency);

    /// <summary>
    /// Returns the account, or null when it was never opened. Answers from memory (no storage round trip) once the
    /// activation has written its loaded state back, proving it durable; the first read after a load does that write.
    /// While the silo cannot confirm the primary within the staleness bound (<c>Regions:MaxStaleness</c>), re-reads and
    /// writes back first.
    /// </summary>
    /// <exception cref="StorageUnavailableException">
    /// The state could not be loaded, re-read or written back: the balance cannot be proven current, so none is served.
    /// </exception>
    /// <exception cref="Orleans.Storage.InconsistentStateException">Storage holds another version than the one loaded.</exception>
    [ReadOnly]
    Task<AccountSnapshot?> GetAsync();

    /// <summary>
    /// Posts one entry, at most once per (operation id, entry kind): a retry returns the entry posted earlier.
    /// Refuses when the account does not exist, holds another currency, has insufficient funds (debits) or would
    /// exceed the balance limit (credits).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage failed; for a write the outcome is unknown and the grain reloads its state.</exception>
    Task<PostingResult> PostAsync(Posting posting);
}
