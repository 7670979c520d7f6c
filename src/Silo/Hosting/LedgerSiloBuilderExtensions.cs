using Microsoft.Extensions.DependencyInjection.Extensions;
using MultiCloud.Grains;
using MultiCloud.Grains.Hosting;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Grains.Storage;
using MultiCloud.Regions.Hosting;
using MultiCloud.ServiceDefaults;

namespace MultiCloud.Silo.Hosting;

/// <summary>Silo-level wiring of the ledger, shared by the silo host and the test clusters.</summary>
public static class LedgerSiloBuilderExtensions
{
    /// <summary>
    /// Adds what the ledger grains need on every silo: the ledger storage provider (over whichever inner provider
    /// the caller registered), validated <see cref="LedgerOptions"/>, the maintenance schedule, and the multi-region
    /// logic (<see cref="RegionsSiloBuilderExtensions.AddLedgerRegions"/>: activations follow the database primary's region).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddLedgerGrains(this ISiloBuilder silo)
    {
        silo.AddLedgerRegions();
        silo.Services.AddLedgerGrainStorage();
        silo.Services.AddValidatedOptions<LedgerOptions>(LedgerOptions.SectionName);
        silo.Services.AddSingleton<MaintenanceScheduler>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MaintenanceScheduler>());
        return silo;
    }

    /// <summary>
    /// The embedded in-memory default: memory grain storage, in-memory reminders and the in-process read model.
    /// Nothing survives the process. A read model registered before this call (tests sharing one across silos) is kept.
    /// </summary>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder UseLedgerInMemory(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StateNames.InnerStorageProvider, o => o.GrainStorageSerializer = new LedgerStateSerializer());
        silo.UseInMemoryReminderService();
        silo.Services.TryAddSingleton<InMemoryLedgerReadModel>();
        silo.Services.TryAddSingleton<ILedgerReadModel>(sp => sp.GetRequiredService<InMemoryLedgerReadModel>());
        silo.Services.TryAddSingleton<ILedgerProjection>(sp => sp.GetRequiredService<InMemoryLedgerReadModel>());
        return silo;
    }
}
