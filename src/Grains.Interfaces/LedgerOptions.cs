using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// Business limits and housekeeping of the ledger, bound from the <c>Ledger</c> configuration section. Shared by the
/// grains and the HTTP front end, which checks the same limits before a request reaches a grain.
/// </summary>
public sealed class LedgerOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Ledger";

    /// <summary>Largest amount of one deposit, withdrawal or transfer, in minor currency units. Default 10^11 (1 billion units of a 2-decimal currency).</summary>
    [Range(1, long.MaxValue / 4, ErrorMessage = "Ledger:MaxOperationAmount must be between 1 and 2^61 minor units.")]
    public long MaxOperationAmount { get; set; } = 100_000_000_000;

    /// <summary>Largest balance an account may reach through deposits and incoming transfers, in minor currency units. Default 10^15.</summary>
    [Range(1, long.MaxValue / 4, ErrorMessage = "Ledger:MaxBalance must be between 1 and 2^61 minor units.")]
    public long MaxBalance { get; set; } = 1_000_000_000_000_000;

    /// <summary>
    /// How long a completed operation's idempotency record is kept before the maintenance job deletes it.
    /// A retry with the same key within this time returns the original answer. At least 24 hours.
    /// </summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An operation still pending after this long is considered interrupted and resumed by the maintenance job. Default 30 s.</summary>
    public TimeSpan StalledOperationAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Period of the maintenance reminder. Orleans reminders fire at most once a minute, so at least 1 minute.</summary>
    public TimeSpan MaintenancePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most operations resumed or purged by one maintenance pass.</summary>
    [Range(1, 100_000, ErrorMessage = "Ledger:MaintenanceBatchSize must be between 1 and 100,000.")]
    public int MaintenanceBatchSize { get; set; } = 1000;

    /// <summary>How many times an operation tries one posting (debit, credit, deposit...) within one request before it answers "outcome unknown".</summary>
    [Range(1, 10, ErrorMessage = "Ledger:PostingAttempts must be between 1 and 10.")]
    public int PostingAttempts { get; set; } = 3;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdempotencyKeyRetention < TimeSpan.FromHours(24))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(IdempotencyKeyRetention)} must be at least 24 hours (was {IdempotencyKeyRetention}).",
                [nameof(IdempotencyKeyRetention)]);
        }

        if (StalledOperationAge <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(StalledOperationAge)} must be positive (was {StalledOperationAge}).",
                [nameof(StalledOperationAge)]);
        }

        if (MaintenancePeriod < TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(MaintenancePeriod)} must be at least 1 minute, the shortest Orleans reminder period (was {MaintenancePeriod}).",
                [nameof(MaintenancePeriod)]);
        }

        if (MaxOperationAmount > MaxBalance)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(MaxOperationAmount)} ({MaxOperationAmount}) must not exceed {nameof(MaxBalance)} ({MaxBalance}).",
                [nameof(MaxOperationAmount), nameof(MaxBalance)]);
        }
    }
}
