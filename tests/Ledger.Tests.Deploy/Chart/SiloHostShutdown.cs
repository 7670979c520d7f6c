using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MultiCloud.Silo.Hosting;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// The silo host's HostOptions.ShutdownTimeout, read from the real host (built, never started): the bound of the
/// silo's graceful stop, which the pod's termination grace period must exceed.
/// </summary>
public static class SiloHostShutdown
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TimeSpan? _timeout;

    /// <summary>The timeout the silo process would stop within.</summary>
    public static async Task<TimeSpan> TimeoutAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_timeout is null)
            {
                await using var app = LedgerSiloHost.Build([]);
                _timeout = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
            }

            return _timeout.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The invariants' violations of <paramref name="release"/> with the real shutdown timeout.</summary>
    public static async Task<IReadOnlyList<Violation>> ViolationsAsync(RenderedRelease release, RegionRelease region)
        => ChartInvariants.Check(release, region, await TimeoutAsync());
}
