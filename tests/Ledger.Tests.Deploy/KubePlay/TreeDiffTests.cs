using System.Text.Json.Nodes;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.KubePlay;

/// <summary><see cref="TreeDiff"/> finds every kind of difference, so that "only these paths changed" means it.</summary>
public sealed class TreeDiffTests
{
    private static JsonNode Tree() => JsonNode.Parse("""
        { "metadata": { "name": "a", "labels": { "app.kubernetes.io/name": "x" } },
          "spec": { "replicas": 2, "list": [1, { "k": "v" }], "flag": true, "nothing": null } }
        """)!;

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Equal_trees_have_no_differences()
    {
        Assert.Empty(TreeDiff.Paths(Tree(), Tree()));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Changed_added_and_removed_members_and_elements_are_each_named_by_their_path()
    {
        var after = Tree();
        after["spec"]!["replicas"] = 1;
        after["spec"]!["list"]![1]!["k"] = "w";
        after["spec"]!["list"]!.AsArray().Add(3);
        after["spec"]!.AsObject().Remove("flag");
        after["spec"]!["nothing"] = 0;
        after["metadata"]!["labels"]!["a/b~c"] = "new";
        after["status"] = new JsonObject();

        Assert.Equal(
            ["/metadata/labels/a~1b~0c", "/spec/replicas", "/spec/list/1/k", "/spec/list/2", "/spec/flag", "/spec/nothing", "/status"],
            TreeDiff.Paths(Tree(), after));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_value_of_another_type_and_a_shorter_array_are_differences()
    {
        var after = Tree();
        after["spec"]!["replicas"] = "2";
        after["spec"]!["list"]!.AsArray().RemoveAt(1);
        after["metadata"] = "a";

        Assert.Equal(["/metadata", "/spec/replicas", "/spec/list/1"], TreeDiff.Paths(Tree(), after));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_transformation_that_also_changed_a_label_would_fail_its_only_these_paths_check()
    {
        var deployment = JsonNode.Parse("""{ "kind": "Deployment", "metadata": { "name": "d", "labels": { "tier": "silo" } }, "spec": { "replicas": 2 } }""")!.AsObject();
        var copy = KubePlayTransformations.OneReplicaEach(deployment)[0];
        copy["metadata"]!["labels"]!["tier"] = "other";

        var paths = TreeDiff.Paths(deployment, copy);

        Assert.NotEqual(["/metadata/name", "/spec/replicas"], paths);
        Assert.Contains("/metadata/labels/tier", paths);
        return Task.CompletedTask;
    }
}
