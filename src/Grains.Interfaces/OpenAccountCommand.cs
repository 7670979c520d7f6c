namespace MultiCloud.Grains.Interfaces;

/// <summary>Open a new account with a zero balance. The new account's id is the operation id.</summary>
/// <param name="Owner">The owner's name, 1 to 200 characters, not blank.</param>
/// <param name="Currency">ISO 4217 alphabetic code, upper case.</param>
[GenerateSerializer, Immutable]
public sealed record OpenAccountCommand(
    [property: Id(0)] string Owner,
    [property: Id(1)] string Currency) : LedgerCommand;
