using Xunit;

namespace MultiCloud.Tests.Configuration;

/// <summary>Runs <see cref="ConfigurationPrecedenceTests"/> after every parallel test, alone (it sets process environment variables).</summary>
[CollectionDefinition(ConfigurationPrecedenceTests.Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;
