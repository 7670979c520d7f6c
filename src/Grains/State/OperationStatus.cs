using System.Text.Json.Serialization;

namespace MultiCloud.Grains.State;

/// <summary>Durable progress of a ledger operation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationStatus>))]
public enum OperationStatus
{
    /// <summary>Nothing recorded yet.</summary>
    [JsonStringEnumMemberName("none")]
    None = 0,

    /// <summary>The command is recorded; postings may be partly applied. Resumed by retry or maintenance.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending = 1,

    /// <summary>A transfer's credit was refused; the debit is being reversed. Never goes back to crediting.</summary>
    [JsonStringEnumMemberName("reversing")]
    Reversing = 2,

    /// <summary>The final result is recorded.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed = 3,
}
