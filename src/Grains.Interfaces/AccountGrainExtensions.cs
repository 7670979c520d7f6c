namespace MultiCloud.Grains.Interfaces;

/// <summary>How callers read an account.</summary>
public static class AccountGrainExtensions
{
    /// <summary>
    /// The account (null when never opened), proven current: one read-only call when the activation can answer from
    /// memory (<see cref="IAccountGrain.TryGetAsync"/>, which interleaves with other reads), else
    /// <see cref="IAccountGrain.GetAsync"/>, which refreshes (writes back or re-reads) and runs alone.
    /// </summary>
    /// <param name="grain">The account.</param>
    /// <exception cref="StorageUnavailableException">The state could not be made current.</exception>
    public static async Task<AccountSnapshot?> GetCurrentAsync(this IAccountGrain grain)
    {
        var read = await grain.TryGetAsync();
        return read.Current ? read.Account : await grain.GetAsync();
    }
}
