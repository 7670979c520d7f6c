using System.Text.Json;
using System.Text.Json.Serialization;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Contracts;

/// <summary>Source-generated JSON metadata for every request and response body of the API (no reflection per request).</summary>
// Web naming (camelCase), but numbers only as JSON numbers: an amount sent as a string is a client error.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(OpenAccountRequest))]
[JsonSerializable(typeof(AmountRequest))]
[JsonSerializable(typeof(TransferRequest))]
[JsonSerializable(typeof(AccountSnapshot))]
[JsonSerializable(typeof(LedgerEntry))]
[JsonSerializable(typeof(EntryPage))]
[JsonSerializable(typeof(TransferSnapshot))]
[JsonSerializable(typeof(ReconciliationReport))]
[JsonSerializable(typeof(PlacementReport))]
internal sealed partial class LedgerApiJsonContext : JsonSerializerContext;
