namespace MultiCloud.ApiFrontend.Contracts;

/// <summary>Body of <c>POST /accounts/{id}/deposits</c> and <c>POST /accounts/{id}/withdrawals</c>.</summary>
/// <param name="Amount">Integer amount in minor currency units (cents for EUR), from 1 to the configured maximum. Required.</param>
public sealed record AmountRequest(long? Amount);
