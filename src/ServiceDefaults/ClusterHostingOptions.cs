using System.ComponentModel.DataAnnotations;
using System.Net;

namespace MultiCloud.ServiceDefaults;

/// <summary>
/// Identity and endpoints of the Orleans cluster, bound from the <c>Cluster</c> configuration section. Silos use all
/// of it; a stand-alone front end uses the ids (and, without a database, the gateway port) to find the silos. Orleans's
/// own membership and messaging options are bound from <c>Cluster:Membership</c> and <c>Cluster:Messaging</c>.
/// </summary>
public sealed class ClusterHostingOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Cluster";

    /// <summary>Orleans ClusterId: silos with the same id form one cluster (one membership table partition).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cluster:ClusterId is required.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,150}$", ErrorMessage = "Cluster:ClusterId must be 1-150 characters from A-Z a-z 0-9 . _ -")]
    public string ClusterId { get; set; } = "multicloud";

    /// <summary>Orleans ServiceId: scopes grain state, reminders and ledger rows; keep it stable across deployments.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cluster:ServiceId is required.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,150}$", ErrorMessage = "Cluster:ServiceId must be 1-150 characters from A-Z a-z 0-9 . _ -")]
    public string ServiceId { get; set; } = "ledger";

    /// <summary>TCP port for silo-to-silo traffic. Default 11111.</summary>
    [Range(1, 65535, ErrorMessage = "Cluster:SiloPort must be between 1 and 65535.")]
    public int SiloPort { get; set; } = 11111;

    /// <summary>TCP port of the client gateway (front ends connect here). Default 30000.</summary>
    [Range(1, 65535, ErrorMessage = "Cluster:GatewayPort must be between 1 and 65535.")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP address other silos and clients reach this silo on. Default 127.0.0.1 (one machine).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Silo name shown in membership and the dashboard; default: machine name and silo port.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// Use Microsoft.Orleans.Hosting.Kubernetes (silo only; off by default). The silo then takes its name, address and
    /// cluster ids from the pod's environment (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>,
    /// <c>ORLEANS_SERVICE_ID</c>, <c>ORLEANS_CLUSTER_ID</c>), labels its pod and deletes the pods of silos declared
    /// dead. It needs the Kubernetes API server and a role allowing that; membership stays in the configured table. Not
    /// for a cluster spanning several Kubernetes clusters: at start-up its agent declares dead every Active silo that has
    /// no pod in its own namespace (helm/multicloud refuses it next to another region's silos).
    /// </summary>
    public bool KubernetesHosting { get; set; }

    /// <summary>The parsed <see cref="AdvertisedAddress"/> (a method: validation reads every property, and this one throws on a bad value).</summary>
    /// <exception cref="FormatException">The address is not an IP address (validation reports it first).</exception>
    public IPAddress ParseAdvertisedAddress() => IPAddress.Parse(AdvertisedAddress);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AdvertisedAddress)} must be an IP address (was '{AdvertisedAddress}').", [nameof(AdvertisedAddress)]);
        }

        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SiloPort)} and {nameof(GatewayPort)} must differ (both {SiloPort}).", [nameof(SiloPort), nameof(GatewayPort)]);
        }
    }
}
