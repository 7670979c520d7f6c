namespace MultiCloud.RegionsRig;

/// <summary>How the bank drill's clients reach the API.</summary>
public enum FrontDoor
{
    /// <summary>
    /// One address for everyone: a global entry (HAProxy in the witness namespace, outside both regions) in front of a
    /// regional proxy (HAProxy in each region, in front of that region's silos), sending every request to the region
    /// holding the primary (<c>/health/primary-region</c>), or to any region that can write (<c>/health/writable</c>)
    /// when that one cannot; clients choose nothing.
    /// </summary>
    Proxy,

    /// <summary>
    /// No proxy: each client lists every silo's API, its own region's first, and moves between them as a
    /// locality-aware front door would (the drills before the front door existed; kept to measure against).
    /// </summary>
    Client,
}
