using MultiCloud.Tests.Infrastructure;

namespace MultiCloud.Tests;

/// <summary>Every test of this assembly has a timeout (the inherited test).</summary>
public sealed class TimeoutCoverageTests : EveryTestHasATimeout;
