namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// Money per currency, all in minor units. Conservation holds when
/// <c>TotalBalance == Deposits - Withdrawals - InFlight</c>.
/// </summary>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Accounts">Number of accounts in this currency.</param>
/// <param name="TotalBalance">Sum of the account balances.</param>
/// <param name="Deposits">Sum of all deposit entries.</param>
/// <param name="Withdrawals">Sum of all withdrawal entries (as a positive number).</param>
/// <param name="InFlight">Money debited by pending transfers and not yet credited or reversed.</param>
[GenerateSerializer, Immutable]
public sealed record CurrencyTotals(
    [property: Id(0)] string Currency,
    [property: Id(1)] long Accounts,
    [property: Id(2)] long TotalBalance,
    [property: Id(3)] long Deposits,
    [property: Id(4)] long Withdrawals,
    [property: Id(5)] long InFlight);
