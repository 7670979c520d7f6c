using System.Text.Json.Serialization;
using MultiCloud.Grains.State;

namespace MultiCloud.Grains.Storage;

/// <summary>
/// Source-generated JSON metadata for the persisted ledger states: no reflection on the write path. The property
/// names (camelCase) are the contract the PostgreSQL projection functions read.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AccountState))]
[JsonSerializable(typeof(LedgerOperationState))]
internal sealed partial class LedgerStateJsonContext : JsonSerializerContext;
