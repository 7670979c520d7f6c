namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The input rules of every ledger command, in one place: the HTTP front end applies them to answer 400 before a
/// request reaches a grain, and <see cref="ILedgerOperationGrain"/> applies them again so that no caller can bypass
/// them. A command that breaks a rule changes nothing and records nothing.
/// </summary>
public static class LedgerCommandRules
{
    /// <summary>Longest owner name, in UTF-16 code units.</summary>
    public const int MaxOwnerLength = 200;

    /// <summary>Returns every rule the command breaks (empty when it is valid), with the HTTP field names.</summary>
    /// <param name="command">The command to check.</param>
    /// <param name="options">The limits in force.</param>
    public static IReadOnlyList<LedgerError> Validate(LedgerCommand command, LedgerOptions options)
    {
        var errors = new List<LedgerError>(2);
        switch (command)
        {
            case OpenAccountCommand open:
                if (string.IsNullOrWhiteSpace(open.Owner) || open.Owner.Length > MaxOwnerLength || open.Owner.Any(char.IsControl))
                {
                    errors.Add(new LedgerError(LedgerErrorCode.InvalidRequest, "owner",
                        $"owner must be 1 to {MaxOwnerLength} characters, not blank, without control characters."));
                }

                if (!Iso4217.IsKnown(open.Currency))
                {
                    errors.Add(new LedgerError(LedgerErrorCode.InvalidRequest, "currency",
                        "currency must be an ISO 4217 alphabetic code in upper case, e.g. EUR."));
                }

                break;
            case DepositCommand deposit:
                CheckAccount(deposit.AccountId, "accountId", errors);
                CheckAmount(deposit.Amount, options, errors);
                break;
            case WithdrawCommand withdraw:
                CheckAccount(withdraw.AccountId, "accountId", errors);
                CheckAmount(withdraw.Amount, options, errors);
                break;
            case TransferCommand transfer:
                CheckAccount(transfer.FromAccountId, "fromAccountId", errors);
                CheckAccount(transfer.ToAccountId, "toAccountId", errors);
                if (transfer.FromAccountId == transfer.ToAccountId && transfer.FromAccountId != Guid.Empty)
                {
                    errors.Add(new LedgerError(LedgerErrorCode.SameAccount, "toAccountId",
                        "toAccountId must differ from fromAccountId: a transfer moves money between two accounts."));
                }

                CheckAmount(transfer.Amount, options, errors);
                break;
        }

        return errors;
    }

    private static void CheckAccount(Guid accountId, string field, List<LedgerError> errors)
    {
        if (accountId == Guid.Empty)
        {
            errors.Add(new LedgerError(LedgerErrorCode.InvalidRequest, field, $"{field} must be a non-empty UUID."));
        }
    }

    private static void CheckAmount(long amount, LedgerOptions options, List<LedgerError> errors)
    {
        if (amount < 1 || amount > options.MaxOperationAmount)
        {
            errors.Add(new LedgerError(LedgerErrorCode.AmountOutOfRange, "amount",
                $"amount must be an integer from 1 to {options.MaxOperationAmount} minor currency units (was {amount})."));
        }
    }
}
