using System.Reflection;
using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>Finds tests without a timeout: each test project asserts that its own assembly has none.</summary>
public static class TimeoutCoverage
{
    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>The test methods xUnit runs in <paramref name="assembly"/> (of its non-abstract classes) that have no timeout.</summary>
    /// <param name="assembly">A test assembly.</param>
    public static IReadOnlyList<string> MissingIn(Assembly assembly) => MissingIn(assembly.GetTypes().Where(type => !type.IsAbstract));

    /// <summary>
    /// The test methods of <paramref name="types"/> (any attribute deriving from <see cref="FactAttribute"/>: facts,
    /// theories, properties) whose timeout is not set or not enforced, as <c>Class.Method</c>. FsCheck's
    /// <c>[Property]</c> counts as having none whatever it says: its runner ignores the timeout (run the property
    /// inside a <c>[Fact(Timeout = ...)]</c> with <c>Check.One</c>).
    /// </summary>
    /// <param name="types">Test classes.</param>
    public static IReadOnlyList<string> MissingIn(IEnumerable<Type> types) =>
    [
        .. from type in types
           from method in type.GetMethods(Declared)
           let fact = method.GetCustomAttributes<FactAttribute>(inherit: true).FirstOrDefault()
           where fact is not null && (fact.Timeout <= 0 || fact.GetType().FullName == UnenforcedTimeout)
           orderby type.FullName, method.Name
           select $"{type.FullName}.{method.Name}",
    ];

    /// <summary>The test attribute whose runner does not enforce <see cref="FactAttribute.Timeout"/>.</summary>
    private const string UnenforcedTimeout = "FsCheck.Xunit.PropertyAttribute";

    /// <summary>The number of test methods xUnit runs in <paramref name="assembly"/> (to prove the scan saw them).</summary>
    /// <param name="assembly">A test assembly.</param>
    public static int CountIn(Assembly assembly) => assembly.GetTypes()
        .Where(type => !type.IsAbstract)
        .SelectMany(type => type.GetMethods(Declared))
        .Count(method => method.GetCustomAttributes<FactAttribute>(inherit: true).Any());
}
