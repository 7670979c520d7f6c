namespace MultiCloud.LoadTool;

/// <summary>What became of one planned transfer.</summary>
public sealed class TransferOutcome
{
    /// <summary>The HTTP status of the final answer (201 acknowledged, 409 refused), 0 while unknown.</summary>
    public int Status { get; set; }

    /// <summary>The transfer id from the answer (201, or the problem's <c>transferId</c>).</summary>
    public Guid TransferId { get; set; }

    /// <summary>SHA-256 of the first definite answer's body (to check that replays are identical).</summary>
    public byte[]? BodyHash { get; set; }

    /// <summary>True once acknowledged with 201.</summary>
    public bool Acknowledged => Status == 201;
}
