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

        Assert.Equal(2, problems.Count(p => p.Contains("sets region", StringComparison.Ordinal)));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Regions_synced_together_or_the_standby_region_first_are_found()
    {
        var applicationSet = ApplicationSetCheck.Load(ApplicationSetCheck.FilePath);
        var steps = applicationSet["spec"]!["strategy"]!["rollingSync"]!["steps"]!.AsArray();
        var first = steps[0]!.DeepClone();
        steps[0] = steps[1]!.DeepClone();
        steps[1] = first;
        var reversed = ApplicationSetCheck.Problems(applicationSet);
        applicationSet["spec"]!.AsObject().Remove("strategy");
        var none = ApplicationSetCheck.Problems(applicationSet);

        Assert.StartsWith("the region that runs the migration does not sync first", Assert.Single(reversed), StringComparison.Ordinal);
        Assert.Contains("strategy none", Assert.Single(none), StringComparison.Ordinal);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_runs_migration_flag_unlike_the_values_file_is_found()
    {
        var applicationSet = ApplicationSetCheck.Load(ApplicationSetCheck.FilePath);
        var elements = applicationSet["spec"]!["generators"]![0]!["list"]!["elements"]!.AsArray();
        elements[0]!["runsMigration"] = "false";
        elements[1]!["runsMigration"] = "true";

        var problems = ApplicationSetCheck.Problems(applicationSet);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("but values-", p, StringComparison.Ordinal));
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
