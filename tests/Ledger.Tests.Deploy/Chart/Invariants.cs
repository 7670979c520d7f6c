namespace MultiCloud.Tests.Chart;

/// <summary>The names of the rendered release's invariants (docs/deploy.md, "The Helm chart", says what each guards).</summary>
public static class Invariants
{
    public const string ProbesOnServedEndpoints = "probes-on-served-endpoints";
    public const string GracefulShutdownWindow = "graceful-shutdown-window";
    public const string SiloIdentityAndProfile = "silo-identity-and-profile";
    public const string ImageByDigest = "image-by-digest";
    public const string NonRoot = "non-root";
    public const string ReadOnlyRoot = "read-only-root";
    public const string NoPrivilegeEscalation = "no-privilege-escalation";
    public const string Resources = "resources";
    public const string AntiAffinityAndZoneSpread = "anti-affinity-and-zone-spread";
    public const string PodDisruptionBudget = "pod-disruption-budget";
    public const string NoSecretLiterals = "no-secret-literals";
    public const string ServiceAccountToken = "service-account-token";
    public const string MigrationOnlyInPrimaryRegion = "migration-only-in-primary-region";
    public const string NetworkPolicies = "network-policies";
}
