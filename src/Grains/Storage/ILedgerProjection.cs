namespace MultiCloud.Grains.Storage;

/// <summary>
/// Keeps the ledger's queryable rows in step with grain state writes. On PostgreSQL the database does this inside
/// the write itself (see <c>db-scripts/</c>), so the projection is <see cref="DatabaseLedgerProjection"/>; the
/// in-memory default projects in process.
/// </summary>
public interface ILedgerProjection
{
    /// <summary>Called after a state write succeeded.</summary>
    /// <param name="stateName">The state name (<see cref="StateNames.Account"/> or <see cref="StateNames.Operation"/>).</param>
    /// <param name="state">The state as written.</param>
    void OnWritten<T>(string stateName, T state);

    /// <summary>Called after a state was cleared.</summary>
    /// <param name="stateName">The state name.</param>
    /// <param name="state">The state as it was before the clear.</param>
    void OnCleared<T>(string stateName, T state);
}
