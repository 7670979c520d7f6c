namespace MultiCloud.Grains;

/// <summary>
/// A step of a ledger operation failed in a way that leaves its outcome unknown (a posting's storage write, a silo, a
/// timeout). Stays inside <see cref="LedgerOperationGrain"/>, which answers "outcome unknown".
/// </summary>
public sealed class OperationInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OperationInterruptedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OperationInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public OperationInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
