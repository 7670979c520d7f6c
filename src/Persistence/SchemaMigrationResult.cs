namespace MultiCloud.Persistence;

/// <summary>The outcome of applying the schema.</summary>
/// <param name="Applied">Scripts applied by this run, in order (empty when the database was up to date).</param>
/// <param name="AlreadyApplied">Scripts found already applied.</param>
public sealed record SchemaMigrationResult(IReadOnlyList<string> Applied, IReadOnlyList<string> AlreadyApplied);
