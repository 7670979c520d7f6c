using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MultiCloud.Grains.Diagnostics;
using MultiCloud.Grains.Storage;
using Orleans.Storage;

namespace MultiCloud.Grains.Hosting;

/// <summary>Registers what the ledger grains need besides a storage provider and a read model.</summary>
public static class LedgerGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger storage provider <see cref="StateNames.StorageProvider"/> as a <see cref="LedgerGrainStorage"/>
    /// over the provider named <see cref="StateNames.InnerStorageProvider"/> (which the caller registers: ADO.NET or
    /// memory, with <see cref="LedgerStateSerializer"/> as its serializer), metrics and the ledger clock (the system clock, unless a <see cref="TimeProvider"/> keyed <see cref="LedgerTime.Key"/> is registered).
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddLedgerGrainStorage(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddKeyedSingleton(LedgerTime.Key, TimeProvider.System);
        services.TryAddSingleton<LedgerMetrics>();
        services.AddKeyedSingleton<IGrainStorage>(StateNames.StorageProvider, static (sp, _) => new LedgerGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(StateNames.InnerStorageProvider),
            sp.GetRequiredService<ILedgerProjection>(),
            sp.GetRequiredService<LedgerMetrics>(),
            sp.GetRequiredService<ILogger<LedgerGrainStorage>>()));
        return services;
    }
}
