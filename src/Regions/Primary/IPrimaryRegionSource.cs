namespace MultiCloud.Regions.Primary;

/// <summary>
/// Tells a silo which region holds the database primary, and whether the silo proved recently enough that it reaches
/// that primary while still being an active member of the cluster. On PostgreSQL a background check keeps this
/// current (<see cref="PostgresPrimaryRegionSource"/>); the embedded in-memory default reports no region, always confirmed.
/// </summary>
public interface IPrimaryRegionSource
{
    /// <summary>The latest observation; reading it costs nothing (no I/O).</summary>
    PrimaryRegionObservation Current { get; }

    /// <summary>
    /// True when the silo reached the primary (and was active in the membership table) within the staleness bound
    /// (<see cref="RegionOptions.MaxStaleness"/>) of now: state held in memory may then be answered from memory.
    /// </summary>
    bool IsWithinStalenessBound();

    /// <summary>
    /// Completes once <see cref="PrimaryRegionObservation.Region"/> differs from <paramref name="region"/> (at once if it
    /// already does): the database primary moved, so operations in flight at the failover may have been interrupted.
    /// </summary>
    /// <param name="region">The region last seen (null: none observed).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The region now observed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<string?> WaitForRegionChangeAsync(string? region, CancellationToken cancellationToken);
}
