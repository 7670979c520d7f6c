namespace MultiCloud.RegionsRig;

/// <summary>
/// A fault command did not take effect (the process was not the one aimed at, is still running or not stopped, a rule
/// is not in place): the drill fails rather than measure a fault that did not happen.
/// </summary>
public sealed class FaultNotLandedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was aimed at and what was found.</param>
    public FaultNotLandedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public FaultNotLandedException()
    {
    }

    /// <summary>Creates the exception with an inner one.</summary>
    /// <param name="message">What was aimed at and what was found.</param>
    /// <param name="innerException">The cause.</param>
    public FaultNotLandedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
