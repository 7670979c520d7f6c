using System.Text.Json.Nodes;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// Where two JSON trees differ, as JSON Pointer paths (RFC 6901): a member or array element present on one side only,
/// or a value that is not the same. Objects are compared member by member and arrays element by element (by index), so
/// a path names the deepest place that differs; the transformation tests compare these paths with the ones each
/// transformation is meant to touch.
/// </summary>
public static class TreeDiff
{
    /// <summary>The paths where <paramref name="before"/> and <paramref name="after"/> differ, in document order.</summary>
    public static IReadOnlyList<string> Paths(JsonNode? before, JsonNode? after)
    {
        var paths = new List<string>();
        Collect(before, after, "", paths);
        return paths;
    }

    private static void Collect(JsonNode? before, JsonNode? after, string path, List<string> paths)
    {
        switch (before, after)
        {
            case (JsonObject left, JsonObject right):
                foreach (var (name, value) in left)
                {
                    var child = $"{path}/{Escape(name)}";
                    if (right.TryGetPropertyValue(name, out var other))
                    {
                        Collect(value, other, child, paths);
                    }
                    else
                    {
                        paths.Add(child);
                    }
                }

                paths.AddRange(right.Where(member => !left.ContainsKey(member.Key)).Select(member => $"{path}/{Escape(member.Key)}"));
                break;
            case (JsonArray left, JsonArray right):
                for (var index = 0; index < Math.Max(left.Count, right.Count); index++)
                {
                    var child = $"{path}/{index}";
                    if (index < left.Count && index < right.Count)
                    {
                        Collect(left[index], right[index], child, paths);
                    }
                    else
                    {
                        paths.Add(child);
                    }
                }

                break;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    paths.Add(path);
                }

                break;
        }
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
