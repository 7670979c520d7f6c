namespace MultiCloud.Grains.Storage;

/// <summary>
/// The projection for PostgreSQL: nothing to do in process, because the storage's write function projects the
/// state into the ledger tables in the same transaction.
/// </summary>
public sealed class DatabaseLedgerProjection : ILedgerProjection
{
    /// <inheritdoc />
    public void OnWritten<T>(string stateName, T state)
    {
    }

    /// <inheritdoc />
    public void OnCleared<T>(string stateName, T state)
    {
    }
}
