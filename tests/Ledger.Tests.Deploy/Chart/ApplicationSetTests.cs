using System.Text.Json.Nodes;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Chart;

/// <summary>The Argo CD ApplicationSet deploys the chart to both clusters, each with its own region's values.</summary>
public sealed class ApplicationSetTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task The_application_set_deploys_the_chart_to_both_regions_with_their_values()
    {
        Assert.Empty(ApplicationSetCheck.Problems(ApplicationSetCheck.Load(ApplicationSetCheck.FilePath)));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Swapped_values_files_are_found()
    {
        var applicationSet = ApplicationSetCheck.Load(ApplicationSetCheck.FilePath);
        var elements = applicationSet["spec"]!["generators"]![0]!["list"]!["elements"]!.AsArray();
        (elements[0]!["valuesFile"], elements[1]!["valuesFile"]) = (JsonValue.Create((string?)elements[1]!["valuesFile"]), JsonValue.Create((string?)elements[0]!["valuesFile"]));

        var problems = ApplicationSetCheck.Problems(applicationSet);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("sets region", p, StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_missing_region_and_a_tag_for_a_digest_are_found()
    {
        var applicationSet = ApplicationSetCheck.Load(ApplicationSetCheck.FilePath);
        applicationSet["spec"]!["generators"]![0]!["list"]!["elements"]!.AsArray().RemoveAt(1);
        applicationSet["spec"]!["template"]!["spec"]!["source"]!["helm"]!["parameters"]![0]!["value"] = "latest";

        var problems = ApplicationSetCheck.Problems(applicationSet);

        Assert.Contains(problems, p => p.Contains("not [a, b]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("image.digest", StringComparison.Ordinal));
        return Task.CompletedTask;
    }
}
