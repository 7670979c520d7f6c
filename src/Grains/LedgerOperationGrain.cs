using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiCloud.Grains.Diagnostics;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.State;
using MultiCloud.Regions.Placement;
using Orleans.Concurrency;

namespace MultiCloud.Grains;

/// <summary>
/// One ledger operation under one idempotency key: a durable saga. It persists the command (status pending) before
/// touching any account, then posts to the accounts (a transfer: debit, then credit; if the credit is refused, the
/// decision to reverse is persisted and the debit reversed), then persists the final result. Every posting is
/// idempotent per (operation id, entry kind), so an interrupted operation is finished by re-running it: on a retry
/// with the same key, or by <see cref="LedgerMaintenanceGrain"/>.
/// </summary>
/// <remarks>
/// The grain is reentrant only so that a duplicate request arriving while the first executes can be answered
/// "in flight" at once instead of queueing; at most one execution runs at a time.
/// </remarks>
/// <param name="state">The persisted operation state (provider <see cref="StateNames.StorageProvider"/>).</param>
/// <param name="options">Ledger options (posting attempts).</param>
/// <param name="timeProvider">Clock for timestamps and durations.</param>
/// <param name="retryTime">Clock of the delays between a posting's tries (the silo's; the ledger's clock is business time).</param>
/// <param name="metrics">Ledger metrics.</param>
/// <param name="logger">Logger.</param>
[Reentrant]
[PrimaryRegionPlacement]
public sealed partial class LedgerOperationGrain(
    [PersistentState(StateNames.Operation, StateNames.StorageProvider)] IPersistentState<LedgerOperationState> state,
    IOptions<LedgerOptions> options,
    [FromKeyedServices(LedgerTime.Key)] TimeProvider timeProvider,
    TimeProvider retryTime,
    LedgerMetrics metrics,
    ILogger<LedgerOperationGrain> logger) : Grain, ILedgerOperationGrain
{
    private PostingRetry? _postingRetry;

    private Task<OperationReply>? _running;
    private LedgerCommand? _runningCommand;

    // Set when one of this activation's writes failed: the stored state is unknown until the grain reactivates.
    private bool _stateUnknown;

    // Whether the state in memory is known durable: written by this activation, or loaded and then written back.
    private bool _confirmed;

    // The write-back of a loaded state in flight; concurrent replays of the key share it.
    private Task<bool>? _confirmation;

    /// <inheritdoc />
    public async Task<OperationReply> ExecuteAsync(LedgerCommand command)
    {
        var started = timeProvider.GetTimestamp();
        var reply = await DecideAsync(command);
        metrics.RecordOperation(KindName(command), StatusName(reply.Status), timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return reply;
    }

    /// <inheritdoc />
    public async Task<OperationReply?> GetAsync()
    {
        var s = state.State;
        if (s is { Command: not null, Status: OperationStatus.Completed } && !await ConfirmLoadedAsync())
        {
            return Unknown("The operation's stored result could not be confirmed durable; retry with the same key.");
        }

        return s switch
        {
            { Command: null } => null,
            { Status: OperationStatus.Completed } => new OperationReply(OperationReplyStatus.Completed, s.Result, Replayed: true, null),
            _ when _runningCommand is not null => new OperationReply(OperationReplyStatus.InFlight, null, false, "The operation is executing."),
            _ => new OperationReply(OperationReplyStatus.OutcomeUnknown, null, false,
                "The operation was interrupted; a retry with the same key or the maintenance job will finish it."),
        };
    }

    /// <inheritdoc />
    public async Task<bool> ResumeAsync()
    {
        if (_running is { } running)
        {
            return (await running).Status == OperationReplyStatus.Completed;
        }

        var s = state.State;
        if (_stateUnknown || s.Command is null)
        {
            return false;
        }

        if (s.Status == OperationStatus.Completed)
        {
            return true;
        }

        LogInformationResuming(s.IdempotencyKey, s.OperationId, s.Status);
        var reply = await RunExclusiveAsync(s.Command, isNew: false);
        return reply.Status == OperationReplyStatus.Completed;
    }

    /// <inheritdoc />
    public async Task<bool> ExpireAsync(TimeSpan retention)
    {
        var s = state.State;
        if (_runningCommand is not null || s.Status != OperationStatus.Completed
            || s.CompletedAt is not { } completedAt || completedAt > timeProvider.GetUtcNow() - retention)
        {
            return false;
        }

        await state.ClearStateAsync();
        DeactivateOnIdle();
        return true;
    }

    private Task<OperationReply> DecideAsync(LedgerCommand command)
    {
        // Invalid input changes nothing and is not recorded under the key.
        if (LedgerCommandRules.Validate(command, options.Value) is [var invalid, ..])
        {
            return Task.FromResult(new OperationReply(OperationReplyStatus.Completed,
                new LedgerOperationResult(Guid.Empty, invalid, null, null, null), Replayed: false, null));
        }

        if (_stateUnknown)
        {
            return Task.FromResult(Unknown("An earlier write of this operation failed; retry with the same key."));
        }

        if (_runningCommand is { } runningCommand)
        {
            return Task.FromResult(runningCommand.Equals(command)
                ? new OperationReply(OperationReplyStatus.InFlight, null, false, "A request with this idempotency key is still executing.")
                : KeyReused());
        }

        var s = state.State;
        if (s.Command is null)
        {
            return RunExclusiveAsync(command, isNew: true);
        }

        if (!s.Command.Equals(command))
        {
            return Task.FromResult(KeyReused());
        }

        return s.Status == OperationStatus.Completed
            ? ReplayAsync()
            : RunExclusiveAsync(s.Command, isNew: false);
    }

    private async Task<OperationReply> ReplayAsync()
    {
        if (!await ConfirmLoadedAsync())
        {
            return Unknown("The operation's stored result could not be confirmed durable; its outcome is unknown. Retry with the same key.");
        }

        return new OperationReply(OperationReplyStatus.Completed, state.State.Result, Replayed: true, null);
    }

    /// <summary>
    /// Writes a loaded state back, unless this activation already wrote it, before a stored result is answered or a step resumed. The read may come from a
    /// primary cut off from its synchronous standby, where a completion whose write was reported unknown is visible
    /// locally yet never reached the copy that survives failover: replaying it would acknowledge a transfer that is
    /// then lost. The write must reach the synchronous standby, and its ETag check fails on a promoted primary that
    /// never had this version. Returns false (state unknown, activation dropped) when the write fails.
    /// </summary>
    private Task<bool> ConfirmLoadedAsync()
    {
        if (_confirmed)
        {
            return Task.FromResult(true);
        }

        if (_confirmation is not { IsCompleted: false })
        {
            _confirmation = TryWriteAsync();
        }

        return _confirmation;
    }

    private async Task<OperationReply> RunExclusiveAsync(LedgerCommand command, bool isNew)
    {
        _runningCommand = command;
        try
        {
            _running = RunAsync(command, isNew);
            var reply = await _running;
            if (reply.Status == OperationReplyStatus.Completed)
            {
                // One activation per idempotency key would pile up at the request rate until idle collection;
                // a retry of a completed key reloads its answer from storage instead.
                DeactivateOnIdle();
            }

            return reply;
        }
        finally
        {
            _running = null;
            _runningCommand = null;
        }
    }

    private async Task<OperationReply> RunAsync(LedgerCommand command, bool isNew)
    {
        var s = state.State;
        if (isNew)
        {
            var now = timeProvider.GetUtcNow();
            s.IdempotencyKey = this.GetPrimaryKeyString();
            s.OperationId = Guid.CreateVersion7(now);
            s.Command = command;
            s.CreatedAt = now;
            s.Status = OperationStatus.Pending;

            if (command is TransferCommand transfer)
            {
                (string Currency, LedgerError? Error) check;
                try
                {
                    check = await CheckTransferAsync(transfer);
                }
                catch (Exception exception)
                {
                    // Nothing was written: the operation does not exist and a retry starts afresh.
                    state.State = new LedgerOperationState();
                    LogWarningNotApplied(exception, s.IdempotencyKey);
                    return new OperationReply(OperationReplyStatus.NotApplied, null, false,
                        "The accounts could not be read; nothing was recorded or applied.");
                }

                s.Transfer = Snapshot(transfer, check.Currency, TransferStatus.Pending, null);
                if (check.Error is { } refusal)
                {
                    return await CompleteAsync(Rejected(transfer, refusal));
                }
            }

            if (!await TryWriteAsync())
            {
                return Unknown("The operation could not be recorded; its outcome is unknown. Retry with the same key.");
            }
        }
        else if (!await ConfirmLoadedAsync())
        {
            // Resuming: the state was read back, possibly from a primary cut off from its synchronous standby, where a
            // commit that timed out is visible locally yet may never reach the copy that survives (and be rewound).
            // Re-writing it first proves it durable: the write must reach the synchronous standby, and its ETag check
            // fails on a promoted primary that never had this state. Only then may a step be retried.
            return Unknown("The operation's state could not be confirmed durable; its outcome is unknown. Retry with the same key.");
        }

        LedgerOperationResult result;
        try
        {
            result = await ApplyAsync(command, isRetry: !isNew);
        }
        catch (OperationInterruptedException interrupted)
        {
            LogWarningInterrupted(s.IdempotencyKey, s.OperationId, interrupted.Message);
            return Unknown(interrupted.Message);
        }

        return await CompleteAsync(result);
    }

    private async Task<LedgerOperationResult> ApplyAsync(LedgerCommand command, bool isRetry)
    {
        var id = state.State.OperationId;
        switch (command)
        {
            case OpenAccountCommand open:
                var account = await WithAttemptsAsync(_ => GrainFactory.GetGrain<IAccountGrain>(id).OpenAsync(id, open.Owner, open.Currency), isRetry);
                return new LedgerOperationResult(id, null, account, null, null);

            case DepositCommand deposit:
                return PostingResult(await PostAsync(deposit.AccountId, EntryKind.Deposit, deposit.Amount, null, null, isRetry), "accountId");

            case WithdrawCommand withdraw:
                return PostingResult(await PostAsync(withdraw.AccountId, EntryKind.Withdrawal, withdraw.Amount, null, null, isRetry), "accountId");

            case TransferCommand transfer:
                return await TransferAsync(transfer, isRetry);

            default:
                throw new NotSupportedException($"Unknown ledger command {command.GetType().Name}.");
        }

        LedgerOperationResult PostingResult(PostingResult posted, string accountField) => posted.Error is { } error
            ? new LedgerOperationResult(id, At(error, accountField), null, null, null)
            : new LedgerOperationResult(id, null, null, posted.Entry, null);
    }

    private async Task<LedgerOperationResult> TransferAsync(TransferCommand transfer, bool isRetry)
    {
        var s = state.State;
        var currency = s.Transfer!.Currency;
        if (s.Status == OperationStatus.Pending)
        {
            var debit = await PostAsync(transfer.FromAccountId, EntryKind.TransferOut, transfer.Amount, currency, transfer.ToAccountId, isRetry);
            if (debit.Error is { } debitRefusal)
            {
                return Rejected(transfer, At(debitRefusal, "fromAccountId"));
            }

            var credit = await PostAsync(transfer.ToAccountId, EntryKind.TransferIn, transfer.Amount, currency, transfer.FromAccountId, isRetry);
            if (credit.Error is null)
            {
                return Completed(transfer);
            }

            // The credit was refused after the debit: persist the decision to reverse before reversing, so that no
            // later attempt credits after all (which would move the money twice).
            s.Status = OperationStatus.Reversing;
            s.ReversalReason = At(credit.Error, "toAccountId");
            if (!await TryWriteAsync())
            {
                throw new OperationInterruptedException("The transfer's reversal could not be recorded; its outcome is unknown.");
            }
        }

        var reversal = await PostAsync(transfer.FromAccountId, EntryKind.TransferReversal, transfer.Amount, currency, transfer.ToAccountId, isRetry);
        if (reversal.Error is { } reversalRefusal)
        {
            // Cannot happen for an account that was debited; keep the operation pending for an operator to see.
            LogErrorReversalRefused(s.IdempotencyKey, s.OperationId, reversalRefusal.Detail);
            throw new OperationInterruptedException($"The reversal of transfer {s.OperationId} was refused: {reversalRefusal.Detail}");
        }

        return Rejected(transfer, s.ReversalReason!);
    }

    private Task<PostingResult> PostAsync(Guid accountId, EntryKind kind, long amount, string? currency, Guid? counterparty, bool isRetry)
    {
        var operationId = state.State.OperationId;
        return WithAttemptsAsync(
            retry => GrainFactory.GetGrain<IAccountGrain>(accountId).PostAsync(new Posting(operationId, kind, amount, currency, counterparty, retry)),
            isRetry);
    }

    /// <summary>Runs one step through <see cref="PostingRetry"/> (tries, backoff, retries marked as such).</summary>
    private Task<T> WithAttemptsAsync<T>(Func<bool, Task<T>> attempt, bool isRetry)
        => (_postingRetry ??= new PostingRetry(options.Value.PostingAttempts, retryTime,
            (exception, failed) => LogDebugAttemptFailed(exception, state.State.IdempotencyKey, failed))).ExecuteAsync(attempt, isRetry);

    private async Task<(string Currency, LedgerError? Error)> CheckTransferAsync(TransferCommand transfer)
    {
        var fromTask = GrainFactory.GetGrain<IAccountGrain>(transfer.FromAccountId).GetCurrentAsync();
        var toTask = GrainFactory.GetGrain<IAccountGrain>(transfer.ToAccountId).GetCurrentAsync();
        var from = await fromTask;
        var to = await toTask;
        if (from is null)
        {
            return (to?.Currency ?? string.Empty, new LedgerError(LedgerErrorCode.AccountNotFound, "fromAccountId", $"Account {transfer.FromAccountId} does not exist."));
        }

        if (to is null)
        {
            return (from.Currency, new LedgerError(LedgerErrorCode.AccountNotFound, "toAccountId", $"Account {transfer.ToAccountId} does not exist."));
        }

        return string.Equals(from.Currency, to.Currency, StringComparison.Ordinal)
            ? (from.Currency, null)
            : (from.Currency, new LedgerError(LedgerErrorCode.CurrencyMismatch, "toAccountId",
                $"Account {transfer.FromAccountId} holds {from.Currency} but account {transfer.ToAccountId} holds {to.Currency}."));
    }

    private async Task<OperationReply> CompleteAsync(LedgerOperationResult result)
    {
        var s = state.State;
        s.Result = result;
        s.Status = OperationStatus.Completed;
        s.CompletedAt = timeProvider.GetUtcNow();
        s.ReversalReason = null;
        if (result.Transfer is { } transfer)
        {
            s.Transfer = transfer;
        }

        return await TryWriteAsync()
            ? new OperationReply(OperationReplyStatus.Completed, result, Replayed: false, null)
            : Unknown("The operation's result could not be recorded; its outcome is unknown. Retry with the same key.");
    }

    private async Task<bool> TryWriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
            _confirmed = true;
            return true;
        }
        catch (Exception exception)
        {
            _confirmed = false;
            _stateUnknown = true;
            DeactivateOnIdle();
            LogWarningWriteFailed(exception, state.State.IdempotencyKey);
            return false;
        }
    }

    private LedgerOperationResult Completed(TransferCommand transfer)
    {
        var s = state.State;
        var snapshot = Snapshot(transfer, s.Transfer!.Currency, TransferStatus.Completed, null) with { CompletedAt = timeProvider.GetUtcNow() };
        return new LedgerOperationResult(s.OperationId, null, null, null, snapshot);
    }

    private LedgerOperationResult Rejected(TransferCommand transfer, LedgerError error)
    {
        var s = state.State;
        var snapshot = Snapshot(transfer, s.Transfer!.Currency, TransferStatus.Rejected, error) with { CompletedAt = timeProvider.GetUtcNow() };
        return new LedgerOperationResult(s.OperationId, error, null, null, snapshot);
    }

    private TransferSnapshot Snapshot(TransferCommand transfer, string currency, TransferStatus status, LedgerError? failure)
    {
        var s = state.State;
        return new TransferSnapshot(s.OperationId, s.IdempotencyKey, transfer.FromAccountId, transfer.ToAccountId, transfer.Amount,
            currency, status, failure, s.CreatedAt, null);
    }

    private static LedgerError At(LedgerError error, string accountField) => error with
    {
        Field = error.Code is LedgerErrorCode.InsufficientFunds or LedgerErrorCode.BalanceLimitExceeded or LedgerErrorCode.AmountOutOfRange
            ? "amount"
            : accountField,
    };

    private static OperationReply KeyReused() => new(OperationReplyStatus.KeyReused, null, false,
        "This idempotency key was already used with a different request.");

    private static OperationReply Unknown(string detail) => new(OperationReplyStatus.OutcomeUnknown, null, false, detail);

    private static string KindName(LedgerCommand command) => command switch
    {
        OpenAccountCommand => "openAccount",
        DepositCommand => "deposit",
        WithdrawCommand => "withdrawal",
        TransferCommand => "transfer",
        _ => "unknown",
    };

    private static string StatusName(OperationReplyStatus status) => status switch
    {
        OperationReplyStatus.Completed => "completed",
        OperationReplyStatus.InFlight => "inFlight",
        OperationReplyStatus.KeyReused => "keyReused",
        OperationReplyStatus.OutcomeUnknown => "outcomeUnknown",
        OperationReplyStatus.NotApplied => "notApplied",
        _ => "unknown",
    };

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Resuming operation {IdempotencyKey} ({OperationId}) from status {Status}")]
    private partial void LogInformationResuming(string idempotencyKey, Guid operationId, OperationStatus status);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Operation {IdempotencyKey} ({OperationId}) interrupted: {Reason}")]
    private partial void LogWarningInterrupted(string idempotencyKey, Guid operationId, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Operation {IdempotencyKey}: state write failed; outcome unknown, the activation will reload from storage")]
    private partial void LogWarningWriteFailed(Exception exception, string idempotencyKey);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Operation {IdempotencyKey} not applied: the accounts could not be read")]
    private partial void LogWarningNotApplied(Exception exception, string idempotencyKey);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Operation {IdempotencyKey}: attempt {Attempt} of a posting failed")]
    private partial void LogDebugAttemptFailed(Exception exception, string idempotencyKey, int attempt);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Operation {IdempotencyKey} ({OperationId}): the reversal was refused: {Detail}")]
    private partial void LogErrorReversalRefused(string idempotencyKey, Guid operationId, string detail);
}
