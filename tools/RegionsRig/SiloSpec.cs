using System.Globalization;
using System.Text.Json.Serialization;

namespace MultiCloud.RegionsRig;

/// <summary>One silo of the environment (with the HTTP API inside it), identified by region and index.</summary>
/// <param name="RegionKey">The region's key (<c>a</c> or <c>b</c>).</param>
/// <param name="Index">0-based index within the region; ports are 11111+i (silo), 30000+i (gateway), 8080+i (HTTP).</param>
/// <param name="ClusterId">The Orleans ClusterId it joins.</param>
public sealed record SiloSpec(string RegionKey, int Index, string ClusterId)
{
    /// <summary>The region.</summary>
    [JsonIgnore]
    public Region Region => Region.Parse(RegionKey);

    /// <summary>The silo's name (<c>silo-a0</c>); also the key of its pid in the state file.</summary>
    [JsonIgnore]
    public string Name => $"silo-{RegionKey}{Index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The silo-to-silo port.</summary>
    [JsonIgnore]
    public int SiloPort => 11111 + Index;

    /// <summary>The gateway port.</summary>
    [JsonIgnore]
    public int GatewayPort => 30000 + Index;

    /// <summary>The HTTP port of the API inside the silo.</summary>
    [JsonIgnore]
    public int HttpPort => 8080 + Index;

    /// <summary>The HTTP API's base address.</summary>
    [JsonIgnore]
    public Uri Api => new($"http://{Region.Address}:{HttpPort.ToString(CultureInfo.InvariantCulture)}");
}
