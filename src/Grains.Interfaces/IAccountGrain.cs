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
    /// The account from memory, without any storage call and without writing: <see cref="AccountRead.Current"/> true
    /// with the account (null when never opened) when the activation's state is proven durable (written back since it
    /// was loaded) and the silo confirmed the primary within the staleness bound (<c>Regions:MaxStaleness</c>);
    /// otherwise false, and the caller asks <see cref="GetAsync"/>, which refreshes. Read-only: it may interleave with
    /// other read-only calls, which is why it never writes. Callers use <see cref="AccountGrainExtensions.GetCurrentAsync"/>.
    /// </summary>
    [ReadOnly]
    Task<AccountRead> TryGetAsync();

    /// <summary>
    /// Returns the account, or null when it was never opened, after making it current: the first read after a load
    /// writes the loaded state back (proving it durable), and while the silo cannot confirm the primary within the
    /// staleness bound it re-reads and writes back first. Not read-only (it can write): it runs alone, like a posting.
    /// </summary>
    /// <exception cref="StorageUnavailableException">
    /// The state could not be loaded, re-read or written back: the balance cannot be proven current, so none is served.
    /// </exception>
    /// <exception cref="Orleans.Storage.InconsistentStateException">Storage holds another version than the one loaded.</exception>
    Task<AccountSnapshot?> GetAsync();

    /// <summary>
    /// Posts one entry, at most once per (operation id, entry kind): a retry returns the entry posted earlier.
    /// Refuses when the account does not exist, holds another currency, has insufficient funds (debits) or would
    /// exceed the balance limit (credits).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage failed; for a write the outcome is unknown and the grain reloads its state.</exception>
    Task<PostingResult> PostAsync(Posting posting);
}
