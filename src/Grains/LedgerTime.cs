namespace MultiCloud.Grains;

/// <summary>
/// The clock of the ledger grains: a keyed <see cref="TimeProvider"/> (key <see cref="Key"/>), so that tests can move
/// the ledger's time (retention, stall age) without moving the Orleans runtime's own timers.
/// </summary>
public static class LedgerTime
{
    /// <summary>The service key of the ledger's <see cref="TimeProvider"/>.</summary>
    public const string Key = "ledger";
}
