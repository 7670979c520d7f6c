using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Layout;

/// <summary>
/// What ships (src/) stands on its own: no product assembly references the rig, the load tool or the tests, and none
/// starts or manages processes (process management, namespaces and firewall rules belong to tools/RegionsRig).
/// </summary>
public sealed class ProductLayoutTests
{
    /// <summary>The assemblies built from src/.</summary>
    private static readonly string[] Product =
    [
        "MultiCloud.Silo", "MultiCloud.ApiFrontend", "MultiCloud.Grains", "MultiCloud.Grains.Interfaces",
        "MultiCloud.Regions", "MultiCloud.Persistence", "MultiCloud.ServiceDefaults",
    ];

    /// <summary>Types whose use means starting or signalling processes.</summary>
    private static readonly string[] ProcessTypes = ["System.Diagnostics.Process", "System.Diagnostics.ProcessStartInfo"];

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task No_product_assembly_references_the_rig_the_load_tool_or_the_tests()
    {
        foreach (var name in Product)
        {
            var references = Assembly.Load(name).GetReferencedAssemblies().Select(r => r.Name!).ToList();

            Assert.DoesNotContain(references, r => r.StartsWith("MultiCloud.RegionsRig", StringComparison.Ordinal) || r.StartsWith("MultiCloud.LoadTool", StringComparison.Ordinal) || r.Contains("Tests", StringComparison.Ordinal));
        }

        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task No_product_assembly_starts_or_signals_a_process()
    {
        foreach (var name in Product)
        {
            Assert.DoesNotContain(ReferencedTypes(Assembly.Load(name).Location), ProcessTypes.Contains);
        }

        // The check sees such a use where there is one: the rig starts processes.
        Assert.Contains("System.Diagnostics.ProcessStartInfo", ReferencedTypes(typeof(RegionsRig.Shell).Assembly.Location));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task No_product_assembly_calls_a_native_library_such_as_libcs_kill()
    {
        foreach (var name in Product)
        {
            Assert.Empty(NativeLibraries(Assembly.Load(name).Location));
        }

        // The check sees a P/Invoke where there is one: this test assembly declares libc's kill (never called).
        Assert.Contains("libc", NativeLibraries(typeof(ProductLayoutTests).Assembly.Location));
        return Task.CompletedTask;
    }

    /// <summary>libc's kill, declared so that the check has a P/Invoke to find; never called.</summary>
    [DllImport("libc", EntryPoint = "kill")]
    internal static extern int Kill(int pid, int signal);

    /// <summary>The native libraries an assembly imports functions from (its module references).</summary>
    private static List<string> NativeLibraries(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. Enumerable.Range(1, metadata.GetTableRowCount(TableIndex.ModuleRef))
            .Select(row => metadata.GetString(metadata.GetModuleReference(MetadataTokens.ModuleReferenceHandle(row)).Name))];
    }

    /// <summary>The full names of the types an assembly's code refers to (its type references).</summary>
    private static HashSet<string> ReferencedTypes(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return
        [
            .. metadata.TypeReferences.Select(handle => metadata.GetTypeReference(handle))
                .Select(type => $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}"),
        ];
    }
}
