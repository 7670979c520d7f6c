using System.Text.Json.Serialization;

namespace MultiCloud.Grains.Interfaces;

/// <summary>Where a transfer is in its life.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransferStatus>))]
public enum TransferStatus
{
    /// <summary>Accepted and durably recorded; the debit and credit may be partly applied. It always ends completed or rejected.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending = 1,

    /// <summary>Both sides applied: the source was debited and the destination credited.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed = 2,

    /// <summary>Refused; no net money moved (see <see cref="TransferSnapshot.Failure"/>).</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected = 3,
}
