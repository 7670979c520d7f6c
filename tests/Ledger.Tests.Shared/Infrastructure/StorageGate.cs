using Orleans.Storage;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// Lets a test hold or fail chosen grain state writes, deterministically (a barrier, not a sleep). Shared by every
/// silo of a test cluster through <see cref="GatedGrainStorage"/>.
/// </summary>
public sealed class StorageGate
{
    private volatile Func<string, GrainId, Task>? _beforeWrite;

    /// <summary>Runs before every write; the write waits for the returned task and fails if it fails.</summary>
    public Func<string, GrainId, Task>? BeforeWrite
    {
        get => _beforeWrite;
        set => _beforeWrite = value;
    }

    /// <summary>Holds the next write of <paramref name="stateName"/> (matching <paramref name="match"/>) until the returned hold is released.</summary>
    public Hold HoldNextWrite(string stateName, Func<GrainId, bool>? match = null)
    {
        var hold = new Hold();
        var taken = 0;
        BeforeWrite = async (name, grainId) =>
        {
            if (name == stateName && (match?.Invoke(grainId) ?? true) && Interlocked.Exchange(ref taken, 1) == 0)
            {
                hold.Reached.TrySetResult();
                await hold.Released.Task;
            }
        };
        return hold;
    }

    /// <summary>A held write: <see cref="Reached"/> completes when the write arrives; complete <see cref="Released"/> to let it go (or fail it).</summary>
    public sealed class Hold
    {
        /// <summary>Completes when the held write has arrived.</summary>
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set a result to let the write proceed, an exception to fail it.</summary>
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The real storage provider behind a <see cref="StorageGate"/>.</summary>
public sealed class GatedGrainStorage(IGrainStorage inner, StorageGate gate) : IGrainStorage
{
    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (gate.BeforeWrite is { } before)
        {
            await before(stateName, grainId);
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ClearStateAsync(stateName, grainId, grainState);
}
