using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// Kubernetes objects as plain JSON trees, for transformations that must be seen to touch only what they mean to:
/// helm's output is parsed by KubernetesClient in strict mode (an unknown field or a wrong type fails, as in the chart
/// tests) and each object turned into its JSON form; the trees go to <c>podman kube play</c> as a YAML stream of JSON
/// documents (JSON is YAML).
/// </summary>
public static class Manifests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Every object of a YAML stream (helm template's output), in its order.</summary>
    /// <exception cref="YamlDotNet.Core.YamlException">A field is unknown or has the wrong type.</exception>
    public static List<JsonObject> Parse(string yaml)
        => [.. KubernetesYaml.LoadAllFromString(yaml, strict: true).Select(item => JsonNode.Parse(KubernetesJson.Serialize(item))!.AsObject())];

    /// <summary>The objects as one YAML stream for <c>podman kube play</c>.</summary>
    public static string ToYamlStream(IEnumerable<JsonObject> objects)
    {
        var text = new StringBuilder();
        foreach (var item in objects)
        {
            text.Append("---\n").Append(item.ToJsonString(Indented)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The object's <c>kind</c>.</summary>
    public static string Kind(this JsonObject item) => (string?)item["kind"] ?? throw new InvalidOperationException($"an object without kind: {item.ToJsonString()}");

    /// <summary>The object's <c>metadata.name</c>.</summary>
    public static string Name(this JsonObject item) => (string?)item["metadata"]?["name"] ?? throw new InvalidOperationException($"a {item.Kind()} without metadata.name");

    /// <summary>A copy that shares nothing with <paramref name="item"/>.</summary>
    public static JsonObject Copy(this JsonObject item) => item.DeepClone().AsObject();

    /// <summary>The pod spec of a Pod (<c>spec</c>) or of a workload with a pod template (<c>spec.template.spec</c>).</summary>
    /// <exception cref="InvalidOperationException">The object has no pod spec.</exception>
    public static JsonObject PodSpec(this JsonObject item) => item.Kind() switch
    {
        "Pod" => item["spec"]!.AsObject(),
        _ => item["spec"]?["template"]?["spec"]?.AsObject() ?? throw new InvalidOperationException($"{item.Kind()}/{item.Name()} has no pod template"),
    };

    /// <summary>Every container of the pod spec: init containers first, then containers.</summary>
    public static IEnumerable<JsonObject> Containers(this JsonObject podSpec)
        => new[] { "initContainers", "containers" }
            .SelectMany(list => podSpec[list]?.AsArray() ?? [])
            .Select(container => container!.AsObject());
}
