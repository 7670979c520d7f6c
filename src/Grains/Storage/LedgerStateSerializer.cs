using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orleans.Storage;

namespace MultiCloud.Grains.Storage;

/// <summary>
/// Grain storage serializer for the ledger states: UTF-8 JSON from source-generated metadata. JSON (rather than the
/// Orleans binary format) lets the database read the state it stores, which is how the ledger's queryable rows are
/// written in the same transaction as the grain state.
/// </summary>
public sealed class LedgerStateSerializer : IGrainStorageSerializer
{
    /// <inheritdoc />
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a ledger state type.</exception>
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input!, TypeInfoCache<T>.Get()));

    /// <inheritdoc />
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a ledger state type.</exception>
    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize(input.ToMemory().Span, TypeInfoCache<T>.Get());

    private static class TypeInfoCache<T>
    {
        private static readonly JsonTypeInfo<T>? Info = LedgerStateJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>;

        public static JsonTypeInfo<T> Get() => Info ?? throw new NotSupportedException(
            $"{typeof(T).FullName} is not a ledger state type; only the states in {nameof(LedgerStateJsonContext)} can be stored by the ledger storage provider.");
    }
}
