namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The call reached a silo whose region does not hold the database primary, in a deployment where each region runs
/// its own cluster and only the primary's region serves (<c>Regions:ServeOnlyInPrimaryRegion</c>). Nothing was applied;
/// the request belongs in <see cref="PrimaryRegion"/>.
/// </summary>
[GenerateSerializer]
public sealed class RegionNotPrimaryException : OrleansException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RegionNotPrimaryException()
        : base("This region does not hold the database primary.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RegionNotPrimaryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RegionNotPrimaryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The region holding the primary as the refusing silo last observed it (e.g. <c>a</c>), null when unknown.</summary>
    [Id(0)]
    public string? PrimaryRegion { get; init; }
}
