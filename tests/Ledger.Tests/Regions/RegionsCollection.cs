using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>
/// The two-region tests build network namespaces, a bridge and a Patroni cluster: one at a time, never alongside each
/// other (they share the 198.18.0.0/24 bridge subnet) — and they need root. Run as another user they fail, saying so.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegionsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "regions";
}
