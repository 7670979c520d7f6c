using k8s.Models;

namespace MultiCloud.Tests.Chart;

/// <summary>Label selector matching, as the API server does it for matchLabels (expressions are not used by the chart).</summary>
public static class Labels
{
    /// <summary>True when every pair of <paramref name="selector"/>'s matchLabels is among <paramref name="labels"/> (an empty selector matches nothing here: the chart never means "all").</summary>
    public static bool Selects(V1LabelSelector? selector, IDictionary<string, string>? labels)
        => selector?.MatchLabels is { Count: > 0 } match && selector.MatchExpressions is null or { Count: 0 } && labels is not null
           && match.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
