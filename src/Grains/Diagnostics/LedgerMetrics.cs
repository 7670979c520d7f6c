using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MultiCloud.Grains.Diagnostics;

/// <summary>
/// The ledger's own instruments (meter <see cref="MeterName"/>), next to Orleans's <c>Microsoft.Orleans</c> meter.
/// </summary>
public sealed class LedgerMetrics
{
    /// <summary>The meter name to subscribe to (OpenTelemetry, dotnet-counters).</summary>
    public const string MeterName = "MultiCloud.Ledger";

    private readonly Counter<long> _operations;
    private readonly Counter<long> _postings;
    private readonly Counter<long> _storageConflicts;
    private readonly Counter<long> _storageFailures;
    private readonly Counter<long> _fencedReads;
    private readonly Histogram<double> _operationDuration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public LedgerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _operations = meter.CreateCounter<long>("ledger.operations", description: "Ledger operations answered, by kind and reply status.");
        _postings = meter.CreateCounter<long>("ledger.postings", description: "Ledger entries posted, by entry kind.");
        _storageConflicts = meter.CreateCounter<long>("ledger.storage.conflicts", description: "Grain state writes refused by the ETag check (another activation wrote first).");
        _storageFailures = meter.CreateCounter<long>("ledger.storage.failures", description: "Grain storage calls that failed, by operation (read, write, clear).");
        _fencedReads = meter.CreateCounter<long>("ledger.fenced_reads", description: "Balance reads that re-read the account from the primary because the silo had not confirmed the primary recently.");
        _operationDuration = meter.CreateHistogram<double>("ledger.operation.duration", unit: "ms", description: "Time to answer a ledger operation.");
    }

    /// <summary>Counts one answered operation and records its duration in milliseconds.</summary>
    public void RecordOperation(string kind, string status, double durationMs)
    {
        var tags = new TagList { { "kind", kind }, { "status", status } };
        _operations.Add(1, tags);
        _operationDuration.Record(durationMs, tags);
    }

    /// <summary>Counts one posted entry.</summary>
    public void RecordPosting(string kind) => _postings.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Counts one ETag conflict.</summary>
    public void RecordStorageConflict(string stateName) => _storageConflicts.Add(1, new KeyValuePair<string, object?>("state", stateName));

    /// <summary>Counts one balance read that had to re-read its account from the primary (fencing).</summary>
    public void RecordFencedRead() => _fencedReads.Add(1);

    /// <summary>Counts one failed storage call.</summary>
    public void RecordStorageFailure(string operation) => _storageFailures.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
