namespace MultiCloud.LoadTool;

/// <summary>The requests the load tool sends.</summary>
public enum OperationKind
{
    /// <summary>POST /accounts.</summary>
    Open,

    /// <summary>POST /accounts/{id}/deposits (funding).</summary>
    Deposit,

    /// <summary>POST /transfers.</summary>
    Transfer,

    /// <summary>GET /accounts/{id}.</summary>
    Read,
}
