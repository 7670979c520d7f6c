namespace MultiCloud.Tests.Chart;

/// <summary>One broken invariant of a rendered release, named as in <see cref="Invariants"/>.</summary>
/// <param name="Invariant">The invariant's name.</param>
/// <param name="Detail">What broke it, where.</param>
public sealed record Violation(string Invariant, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Invariant}: {Detail}";
}
