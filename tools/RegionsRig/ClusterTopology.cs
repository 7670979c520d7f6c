namespace MultiCloud.RegionsRig;

/// <summary>How the silos of the two regions form Orleans clusters.</summary>
public enum ClusterTopology
{
    /// <summary>One ClusterId: the silos of both regions are members of one cluster (one membership table partition).</summary>
    OneCluster,

    /// <summary>One ClusterId per region: region B's cluster serves only while the primary is in region B, and the other way round.</summary>
    ClusterPerRegion,
}
