namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// Storage (PostgreSQL) did not answer or failed. Thrown inside grains in place of the driver's exception so that the
/// caller receives a type it can deserialize (a driver exception crossing a grain call arrives as a codec error).
/// It derives from <see cref="OrleansException"/> so that Orleans's storage bridge passes it through unwrapped.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : OrleansException
{
    /// <summary>Creates the exception with a default message.</summary>
    public StorageUnavailableException()
        : base("Storage is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message; the inner exception is only kept in the message, never attached.</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base($"{message} ({innerException.GetType().Name}: {innerException.Message})")
    {
    }

    /// <summary>
    /// True when the failed call was a write whose effect is unknown: it may have committed. False for reads, which
    /// change nothing.
    /// </summary>
    [Id(0)]
    public bool OutcomeUnknown { get; init; }
}
