namespace MultiCloud.Grains.Interfaces;

/// <summary>A business refusal, recorded with the operation so that a retry returns the same answer.</summary>
/// <param name="Code">The kind of refusal.</param>
/// <param name="Field">The request field at fault, in the HTTP API's camelCase spelling (e.g. <c>amount</c>).</param>
/// <param name="Detail">A sentence for people.</param>
[GenerateSerializer, Immutable]
public sealed record LedgerError(
    [property: Id(0)] LedgerErrorCode Code,
    [property: Id(1)] string Field,
    [property: Id(2)] string Detail);
