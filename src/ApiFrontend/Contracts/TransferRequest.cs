namespace MultiCloud.ApiFrontend.Contracts;

/// <summary>Body of <c>POST /transfers</c>.</summary>
/// <param name="FromAccountId">The account to debit (UUID). Required.</param>
/// <param name="ToAccountId">The account to credit (UUID), different from <paramref name="FromAccountId"/>, same currency. Required.</param>
/// <param name="Amount">Integer amount in minor currency units, from 1 to the configured maximum. Required.</param>
public sealed record TransferRequest(Guid? FromAccountId, Guid? ToAccountId, long? Amount);
