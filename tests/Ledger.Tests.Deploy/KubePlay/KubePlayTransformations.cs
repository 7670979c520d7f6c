using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// The transformations podman 4.3.1's <c>kube play</c> needs before it runs the chart's rendered objects, and nothing
/// else. Each is a function of the rendered object that returns a new one (its input untouched), and each has tests
/// (<see cref="KubePlayTransformationTests"/>) that diff the object tree before and after and find exactly the paths
/// named here changed, plus a case where the transformation must change nothing or refuse.
/// <list type="number">
/// <item><see cref="RunJobAsPod"/>: kube play ignores Jobs ("YAML document does not contain any supported kube kind").
/// The migration Job's pod template becomes a Pod named after the Job: <c>spec</c> is the template's <c>spec</c>
/// unchanged, the labels (and annotations, if any) are the template's. The test plays it alone and waits for it to exit
/// 0 before it plays the silos, the order Helm's pre-install hook gives.</item>
/// <item><see cref="OneReplicaEach"/>: kube play runs one pod per Deployment whatever <c>replicas</c> says. A Deployment
/// of N replicas becomes N Deployments of one, named <c>NAME-1</c> to <c>NAME-N</c>: only <c>metadata.name</c> and
/// <c>spec.replicas</c> change.</item>
/// <item><see cref="PodIpAsLiteral"/>: kube play refuses the downward API's <c>status.podIP</c> ("fieldPath
/// status.podIP is either not valid or not supported"; <c>metadata.name</c> works). Each pod gets a static address
/// (<c>podman kube play --ip</c>), and an environment variable taken from <c>status.podIP</c> gets that address as its
/// value: <c>env[i].valueFrom</c> becomes <c>env[i].value</c>.</item>
/// <item><see cref="ExpandVariableReferences"/>: podman does not expand <c>$(VAR)</c> in environment values (a container
/// saw <c>Host=...;$(DATABASE_CREDENTIALS)</c> as it was written). Expanded as Kubernetes does, from the variables
/// listed before it in the same container (literal values, and <c>secretKeyRef</c> values read from the Secret the test
/// created); <c>$$</c> becomes <c>$</c> and a reference to an unknown variable stays as it is. Only the <c>value</c> of
/// entries holding a <c>$</c> changes. So the connection string that reaches the silo holds the test's throwaway
/// password, as it would in Kubernetes; the variable read from the Secret itself is still resolved by podman.</item>
/// <item><see cref="WithoutContainerPorts"/>: kube play publishes every <c>containerPort</c> on the host, on 0.0.0.0
/// (conmon holds the port; on an internal network nothing forwards it), so the second silo pod fails to start (8080
/// taken) and every silo port would be bound on every host interface. The <c>ports</c> lists go; containers listen on
/// their ports inside the pod all the same (Kubernetes documents the list as informational).</item>
/// <item><see cref="PerPodEmptyDirs"/>: kube play turns an <c>emptyDir</c> into a podman volume named as the pod's volume
/// entry (<c>tmp</c>), one volume shared by every pod (and every run on the machine) that names its volume the same.
/// Each emptyDir volume is renamed <c>POD-NAME</c> (the pod's name as kube play gives it), in <c>volumes</c> and in the
/// <c>volumeMounts</c> that name it, so each pod has its own, as in Kubernetes.</item>
/// </list>
/// Not transformed: the objects kube play ignores (Service, ServiceAccount, PodDisruptionBudget, NetworkPolicy, Ingress,
/// Role, RoleBinding) go to kube play as rendered, with the silos; the image (by digest, <c>imagePullPolicy:
/// Never</c>), the database address and the Secret's name are chart values the test sets.
/// </summary>
public static class KubePlayTransformations
{
    /// <summary>The name kube play gives the (first) pod of a Pod or a Deployment: the Pod's name, <c>NAME-pod-0</c>.</summary>
    public static string PodName(JsonObject workload) => workload.Kind() switch
    {
        "Pod" => workload.Name(),
        "Deployment" => $"{workload.Name()}-pod-0",
        var kind => throw new ArgumentException($"kube play makes pods of Pods and Deployments, not of a {kind}", nameof(workload)),
    };

    /// <summary>The Job's pod template as a Pod of the Job's name (see the list above).</summary>
    /// <exception cref="ArgumentException">Not a Job; a Job of several pods; a restart policy other than Never.</exception>
    public static JsonObject RunJobAsPod(JsonObject job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Kind() != "Job")
        {
            throw new ArgumentException($"not a Job: {job.Kind()}/{job.Name()}", nameof(job));
        }

        var spec = job["spec"]!.AsObject();
        foreach (var count in new[] { "parallelism", "completions" })
        {
            if (spec[count] is { } value && (int)value != 1)
            {
                throw new ArgumentException($"Job/{job.Name()} has {count} {value}: one Pod stands for one pod only", nameof(job));
            }
        }

        var template = spec["template"]!.AsObject();
        var podSpec = template["spec"]!.AsObject();
        if ((string?)podSpec["restartPolicy"] != "Never")
        {
            throw new ArgumentException($"Job/{job.Name()} has restartPolicy {podSpec["restartPolicy"]}: the test waits for the pod's one exit, which needs Never", nameof(job));
        }

        var metadata = new JsonObject { ["name"] = job.Name() };
        if (job["metadata"]!["namespace"] is { } ns)
        {
            metadata["namespace"] = ns.DeepClone();
        }

        foreach (var field in new[] { "labels", "annotations" })
        {
            if (template["metadata"]?[field] is { } value)
            {
                metadata[field] = value.DeepClone();
            }
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = podSpec.DeepClone() };
    }

    /// <summary>A Deployment of N replicas as N Deployments of one, <c>NAME-1</c> to <c>NAME-N</c>; one of one unchanged.</summary>
    /// <exception cref="ArgumentException">Not a Deployment.</exception>
    public static IReadOnlyList<JsonObject> OneReplicaEach(JsonObject deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Kind() != "Deployment")
        {
            throw new ArgumentException($"not a Deployment: {deployment.Kind()}/{deployment.Name()}", nameof(deployment));
        }

        var replicas = Replicas(deployment);
        if (replicas == 1)
        {
            return [deployment.Copy()];
        }

        return [.. Enumerable.Range(1, replicas).Select(ordinal =>
        {
            var copy = deployment.Copy();
            copy["metadata"]!["name"] = string.Create(CultureInfo.InvariantCulture, $"{deployment.Name()}-{ordinal}");
            copy["spec"]!["replicas"] = 1;
            return copy;
        })];
    }

    /// <summary>Every environment variable from <c>status.podIP</c> given <paramref name="address"/> as its value.</summary>
    /// <exception cref="ArgumentException">The workload runs several pods (one address cannot stand for each), or reads <c>status.podIPs</c>.</exception>
    public static JsonObject PodIpAsLiteral(JsonObject workload, string address)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (workload.Kind() == "Deployment" && Replicas(workload) != 1)
        {
            throw new ArgumentException($"Deployment/{workload.Name()} has {Replicas(workload)} replicas: one address stands for one pod (split it first)", nameof(workload));
        }

        var copy = workload.Copy();
        foreach (var entry in copy.PodSpec().Containers().SelectMany(Env))
        {
            switch ((string?)entry["valueFrom"]?["fieldRef"]?["fieldPath"])
            {
                case "status.podIP":
                    entry.Remove("valueFrom");
                    entry["value"] = address;
                    break;
                case "status.podIPs":
                    throw new ArgumentException($"{workload.Kind()}/{workload.Name()}: {entry["name"]} reads status.podIPs, which this transformation does not stand in for", nameof(workload));
            }
        }

        return copy;
    }

    /// <summary>
    /// <c>$(VAR)</c> in environment values expanded as Kubernetes does, from the variables listed before in the same
    /// container: literal values and <c>secretKeyRef</c> values (<paramref name="secretValue"/>: Secret name and key to
    /// the value, or null when there is none).
    /// </summary>
    /// <exception cref="InvalidOperationException">A value refers to a variable this cannot know (another source than a literal or a Secret), or to a Secret key that does not exist.</exception>
    public static JsonObject ExpandVariableReferences(JsonObject workload, Func<string, string, string?> secretValue)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(secretValue);
        var copy = workload.Copy();
        foreach (var container in copy.PodSpec().Containers())
        {
            var known = new Dictionary<string, Func<string>>(StringComparer.Ordinal);
            foreach (var entry in Env(container))
            {
                var name = (string)entry["name"]!;
                if (entry["value"] is { } literal)
                {
                    var value = (string)literal!;
                    var expanded = Expand(value, known);
                    if (!string.Equals(expanded, value, StringComparison.Ordinal))
                    {
                        entry["value"] = expanded;
                    }

                    known[name] = () => expanded;
                }
                else if (entry["valueFrom"]?["secretKeyRef"] is { } reference)
                {
                    var (secret, key) = ((string)reference["name"]!, (string)reference["key"]!);
                    known[name] = () => secretValue(secret, key)
                        ?? throw new InvalidOperationException($"{container["name"]}: $({name}) refers to Secret {secret} key {key}, which does not exist");
                }
                else
                {
                    known[name] = () => throw new InvalidOperationException($"{container["name"]}: $({name}) is taken from {entry["valueFrom"]?.ToJsonString()}, which this transformation cannot resolve");
                }
            }
        }

        return copy;
    }

    /// <summary>The workload without the <c>ports</c> list of any container.</summary>
    public static JsonObject WithoutContainerPorts(JsonObject workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var copy = workload.Copy();
        foreach (var container in copy.PodSpec().Containers())
        {
            container.Remove("ports");
        }

        return copy;
    }

    /// <summary>Each emptyDir volume renamed <c>POD-NAME</c> (<see cref="PodName"/>), in <c>volumes</c> and in the mounts that name it.</summary>
    public static JsonObject PerPodEmptyDirs(JsonObject workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var copy = workload.Copy();
        var podSpec = copy.PodSpec();
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in (podSpec["volumes"]?.AsArray() ?? []).Select(v => v!.AsObject()).Where(v => v.ContainsKey("emptyDir")))
        {
            var name = (string)volume["name"]!;
            renamed[name] = $"{PodName(workload)}-{name}";
            volume["name"] = renamed[name];
        }

        foreach (var mount in podSpec.Containers().SelectMany(c => c["volumeMounts"]?.AsArray() ?? []).Select(m => m!.AsObject()))
        {
            if (renamed.TryGetValue((string)mount["name"]!, out var name))
            {
                mount["name"] = name;
            }
        }

        return copy;
    }

    /// <summary>Kubernetes's expansion: <c>$$</c> is <c>$</c>, <c>$(NAME)</c> a known variable's value, anything else as written.</summary>
    private static string Expand(string value, Dictionary<string, Func<string>> known)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 == value.Length)
            {
                text.Append(value[i]);
                continue;
            }

            var next = value[i + 1];
            var close = next == '(' ? value.IndexOf(')', i + 2) : -1;
            if (next == '$')
            {
                text.Append('$');
                i++;
            }
            else if (close > 0 && known.TryGetValue(value[(i + 2)..close], out var resolve))
            {
                text.Append(resolve());
                i = close;
            }
            else if (close > 0)
            {
                text.Append(value, i, close - i + 1);
                i = close;
            }
            else
            {
                text.Append('$');
            }
        }

        return text.ToString();
    }

    private static IEnumerable<JsonObject> Env(JsonObject container) => (container["env"]?.AsArray() ?? []).Select(e => e!.AsObject());

    private static int Replicas(JsonObject deployment) => (int?)deployment["spec"]?["replicas"] ?? 1;
}
