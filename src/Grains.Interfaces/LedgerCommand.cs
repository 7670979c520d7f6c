using System.Text.Json.Serialization;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// A mutating request to the ledger, as executed by an <see cref="ILedgerOperationGrain"/>. Commands are value-equal
/// records: a retry under the same idempotency key must carry an equal command, or it is refused.
/// </summary>
/// <remarks>
/// The JSON discriminator (<c>kind</c>) is part of the persisted operation state and of the <c>ledger.operations</c>
/// rows; renaming a case is a schema change.
/// </remarks>
[GenerateSerializer, Immutable]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(OpenAccountCommand), "openAccount")]
[JsonDerivedType(typeof(DepositCommand), "deposit")]
[JsonDerivedType(typeof(WithdrawCommand), "withdrawal")]
[JsonDerivedType(typeof(TransferCommand), "transfer")]
public abstract record LedgerCommand;
