namespace MultiCloud.Grains.Interfaces;

/// <summary>What a read-only account read could answer from memory (<see cref="IAccountGrain.TryGetAsync"/>).</summary>
/// <param name="Current">True when <paramref name="Account"/> is proven current; false when the caller must ask <see cref="IAccountGrain.GetAsync"/>.</param>
/// <param name="Account">The account when current (null: never opened); always null when not current.</param>
[GenerateSerializer, Immutable]
public sealed record AccountRead(
    [property: Id(0)] bool Current,
    [property: Id(1)] AccountSnapshot? Account)
{
    /// <summary>The answer when the account must be refreshed first.</summary>
    public static AccountRead NotCurrent { get; } = new(false, null);
}
