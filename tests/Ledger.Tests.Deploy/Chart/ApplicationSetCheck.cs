using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// Checks helm/argocd/applicationset.yaml: one Application per region, each with that region's values file (whose
/// region key agrees), the chart's path, the release name the tests render and a digest-shaped image.digest; the
/// region that runs the migration (its values file's <c>migration.enabled</c>, the element's <c>runsMigration</c>)
/// syncs first and the other after it (RollingSync steps on the <c>multicloud.ledger/runs-migration</c> label).
/// </summary>
public static partial class ApplicationSetCheck
{
    /// <summary>helm/argocd/applicationset.yaml.</summary>
    public static string FilePath { get; } = Path.Combine(DeployTools.RepositoryRoot, "helm", "argocd", "applicationset.yaml");

    /// <summary>A YAML document as JSON (for navigation).</summary>
    public static JsonNode Load(string yamlPath)
    {
        var document = new DeserializerBuilder().Build().Deserialize(File.ReadAllText(yamlPath));
        return JsonNode.Parse(new SerializerBuilder().JsonCompatible().Build().Serialize(document))!;
    }

    /// <summary>What is wrong with <paramref name="applicationSet"/> (empty: nothing).</summary>
    public static IReadOnlyList<string> Problems(JsonNode applicationSet)
    {
        var problems = new List<string>();
        if ((string?)applicationSet["apiVersion"] != "argoproj.io/v1alpha1" || (string?)applicationSet["kind"] != "ApplicationSet")
        {
            problems.Add("not an argoproj.io/v1alpha1 ApplicationSet");
        }

        var elements = applicationSet["spec"]?["generators"]?[0]?["list"]?["elements"]?.AsArray() ?? [];
        var regions = elements.Select(e => (string?)e?["region"]).Order(StringComparer.Ordinal).ToList();
        if (!regions.SequenceEqual(["a", "b"]))
        {
            problems.Add($"the list generator's regions are [{string.Join(", ", regions)}], not [a, b]");
        }

        foreach (var element in elements)
        {
            var region = (string?)element?["region"];
            var valuesFile = Path.Combine(DeployTools.ChartDirectory, (string?)element?["valuesFile"] ?? "");
            if (!File.Exists(valuesFile))
            {
                problems.Add($"region {region}: values file {valuesFile} does not exist");
            }
            else if ((string?)Load(valuesFile)["region"] != region)
            {
                problems.Add($"region {region}: {Path.GetFileName(valuesFile)} sets region {(string?)Load(valuesFile)["region"]}");
            }

            else
            {
                var migration = (string?)Load(valuesFile)["migration"]?["enabled"] ?? "true";
                if (!string.Equals((string?)element?["runsMigration"], migration, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"region {region}: runsMigration is {(string?)element?["runsMigration"] ?? "unset"} but {Path.GetFileName(valuesFile)} has migration.enabled {migration}");
                }
            }

            if (string.IsNullOrEmpty((string?)element?["cluster"]))
            {
                problems.Add($"region {region}: no destination cluster");
            }
        }

        var source = applicationSet["spec"]?["template"]?["spec"]?["source"];
        if ((string?)source?["path"] != "helm/multicloud" || !Directory.Exists(Path.Combine(DeployTools.RepositoryRoot, (string?)source?["path"] ?? "-")))
        {
            problems.Add($"the source path {(string?)source?["path"]} is not the chart's (helm/multicloud)");
        }

        var helm = source?["helm"];
        if ((string?)helm?["releaseName"] != Helm.ReleaseName || helm?["valueFiles"]?.AsArray().Select(v => (string?)v).SequenceEqual(["{{ .valuesFile }}"]) != true)
        {
            problems.Add("the helm source does not render release 'ledger' with exactly the element's values file");
        }

        var digest = helm?["parameters"]?.AsArray().SingleOrDefault(p => (string?)p?["name"] == "image.digest")?["value"];
        if (digest is null || !Digest().IsMatch((string?)digest ?? ""))
        {
            problems.Add("no image.digest parameter of the form sha256:<64 hex>");
        }

        if (elements.Count(e => (string?)e?["runsMigration"] == "true") != 1)
        {
            problems.Add("not exactly one region runs the migration");
        }

        var strategy = applicationSet["spec"]?["strategy"];
        var steps = strategy?["rollingSync"]?["steps"]?.AsArray().Select(StepSelects).ToList() ?? [];
        if ((string?)strategy?["type"] != "RollingSync" || !steps.SequenceEqual(["true", "false"])
            || (string?)applicationSet["spec"]?["template"]?["metadata"]?["labels"]?[RunsMigrationLabel] != "{{ .runsMigration }}")
        {
            problems.Add($"the region that runs the migration does not sync first: strategy {(string?)strategy?["type"] ?? "none"}, steps selecting {RunsMigrationLabel} [{string.Join(", ", steps)}], not [true, false] on the element's runsMigration");
        }

        if ((string?)applicationSet["spec"]?["template"]?["spec"]?["destination"]?["name"] != "{{ .cluster }}")
        {
            problems.Add("the destination is not the element's cluster");
        }

        return problems;
    }

    private const string RunsMigrationLabel = "multicloud.ledger/runs-migration";

    /// <summary>The one value a RollingSync step selects on the runs-migration label (In, one value), else "?".</summary>
    private static string StepSelects(JsonNode? step)
    {
        var expressions = step?["matchExpressions"]?.AsArray() ?? [];
        return expressions.Count == 1 && (string?)expressions[0]?["key"] == RunsMigrationLabel && (string?)expressions[0]?["operator"] == "In"
            && expressions[0]?["values"]?.AsArray() is [var only] ? (string?)only ?? "?" : "?";
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();
}
