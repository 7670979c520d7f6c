using FsCheck;
using FsCheck.Fluent;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Properties;

/// <summary>
/// Random sequences of deposits, withdrawals, transfers and retries, run against the grains and against a plain
/// model of the ledger: every answer matches the model, and afterwards the sum of balances equals deposits minus
/// withdrawals, no balance is negative, and every account reconciles.
/// </summary>
public sealed class LedgerInvariantProperties(InMemoryClusterFixture fixture) : IClassFixture<InMemoryClusterFixture>
{
    private const int Accounts = 4;

    // Accounts 0-2 hold EUR, account 3 holds USD: transfers to or from it are refused as currency mismatches.
    private static readonly string[] Currencies = ["EUR", "EUR", "EUR", "USD"];

    // FsCheck's [Property] runner does not enforce xUnit's Timeout, so the property runs inside a fact, whose does.
    [Fact(Timeout = TestTimeouts.Host)]
    public Task Random_operation_sequences_keep_every_invariant()
        => Task.Run(
            () => Check.One(Config.QuickThrowOnFailure.WithMaxTest(30), Prop.ForAll(Arb.From(Sequences()), ops => Task.Run(() => RunAsync(ops)))),
            TestContext.Current.CancellationToken);

    private static Gen<List<Op>> Sequences()
    {
        var account = Gen.Choose(0, Accounts - 1);
        // Amounts up to the per-operation maximum, biased to small ones so that balances matter.
        var amount = Gen.Frequency(
            (6, Gen.Choose(1, 500).Select(a => (long)a)),
            (1, Gen.Choose(1, (int)InMemoryClusterFixture.MaxOperationAmount).Select(a => (long)a)));
        var op = Gen.Frequency(
            (4, account.Zip(amount, (a, m) => new Op(OpKind.Deposit, a, a, m, 0))),
            (2, account.Zip(amount, (a, m) => new Op(OpKind.Withdraw, a, a, m, 0))),
            (5, account.Two().Zip(amount, (pair, m) => new Op(OpKind.Transfer, pair.Item1, pair.Item2, m, 0))),
            (2, Gen.Choose(0, 1000).Select(back => new Op(OpKind.Retry, 0, 0, 0, back))));
        return Gen.Choose(1, 30).SelectMany(n => op.ListOf(n));
    }

    private async Task<bool> RunAsync(List<Op> ops)
    {
        var grains = fixture.Cluster.Client;
        var ids = new Guid[Accounts];
        for (var i = 0; i < Accounts; i++)
        {
            ids[i] = await grains.OpenAsync(Currencies[i]);
        }

        var model = new long[Accounts];
        long deposited = 0, withdrawn = 0;
        var history = new List<(string Key, LedgerCommand Command, LedgerErrorCode? Outcome)>();
        foreach (var op in ops)
        {
            if (op.Kind == OpKind.Retry)
            {
                if (history.Count == 0)
                {
                    continue;
                }

                // A retry under an old key must return the recorded outcome and change nothing.
                var (key, command, outcome) = history[op.Back % history.Count];
                var replay = await grains.ExecuteAsync(command, key);
                Assert.True(replay.Replayed || outcome is LedgerErrorCode.SameAccount);
                Assert.Equal(outcome, replay.Result!.Error?.Code);
                continue;
            }

            var (cmd, expected) = Expect(op, ids, model);
            var newKey = LedgerActions.NewKey();
            var reply = await grains.ExecuteAsync(cmd, newKey);
            Assert.Equal(OperationReplyStatus.Completed, reply.Status);
            Assert.Equal(expected, reply.Result!.Error?.Code);
            if (expected is null)
            {
                Apply(op, model, ref deposited, ref withdrawn);
            }

            history.Add((newKey, cmd, expected));
        }

        for (var i = 0; i < Accounts; i++)
        {
            Assert.Equal(model[i], await grains.BalanceAsync(ids[i]));
            Assert.True(model[i] >= 0);
            var entries = await grains.EntriesAsync(ids[i]);
            Assert.Equal(model[i], entries.Sum(e => e.Amount));
            Assert.Equal(Enumerable.Range(1, entries.Count).Select(s => (long)s), entries.Select(e => e.Sequence));
        }

        Assert.Equal(deposited - withdrawn, model.Sum());
        await grains.AssertReconcilesAsync();
        return true;
    }

    /// <summary>The command for an op and the refusal the model predicts (null: it succeeds).</summary>
    private static (LedgerCommand, LedgerErrorCode?) Expect(Op op, Guid[] ids, long[] model) => op.Kind switch
    {
        OpKind.Deposit => (new DepositCommand(ids[op.A], op.Amount),
            model[op.A] + op.Amount > InMemoryClusterFixture.MaxBalance ? LedgerErrorCode.BalanceLimitExceeded : null),
        OpKind.Withdraw => (new WithdrawCommand(ids[op.A], op.Amount),
            model[op.A] < op.Amount ? LedgerErrorCode.InsufficientFunds : null),
        _ => (new TransferCommand(ids[op.A], ids[op.B], op.Amount),
            op.A == op.B ? LedgerErrorCode.SameAccount
            : Currencies[op.A] != Currencies[op.B] ? LedgerErrorCode.CurrencyMismatch
            : model[op.A] < op.Amount ? LedgerErrorCode.InsufficientFunds
            : model[op.B] + op.Amount > InMemoryClusterFixture.MaxBalance ? LedgerErrorCode.BalanceLimitExceeded
            : null),
    };

    private static void Apply(Op op, long[] model, ref long deposited, ref long withdrawn)
    {
        switch (op.Kind)
        {
            case OpKind.Deposit:
                model[op.A] += op.Amount;
                deposited += op.Amount;
                break;
            case OpKind.Withdraw:
                model[op.A] -= op.Amount;
                withdrawn += op.Amount;
                break;
            case OpKind.Transfer:
                model[op.A] -= op.Amount;
                model[op.B] += op.Amount;
                break;
        }
    }

    public enum OpKind
    {
        Deposit,
        Withdraw,
        Transfer,
        Retry,
    }

    public sealed record Op(OpKind Kind, int A, int B, long Amount, int Back);
}
