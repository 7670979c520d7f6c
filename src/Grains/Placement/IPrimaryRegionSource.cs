namespace MultiCloud.Grains.Placement;

/// <summary>
/// Tells a silo which region holds the database primary, and how recently the silo proved it can reach that primary
/// while still being an active member of the cluster. On PostgreSQL a background poll keeps this current; the embedded
/// in-memory default reports the silo's own region, always confirmed.
/// </summary>
public interface IPrimaryRegionSource
{
    /// <summary>The latest observation; reading it costs nothing (no I/O).</summary>
    PrimaryRegionObservation Current { get; }

    /// <summary>
    /// True when the silo reached the primary (and was active in the membership table) within <paramref name="bound"/>
    /// of now.
    /// </summary>
    /// <param name="bound">The longest acceptable age of the last confirmation.</param>
    bool IsConfirmedWithin(TimeSpan bound);
}
