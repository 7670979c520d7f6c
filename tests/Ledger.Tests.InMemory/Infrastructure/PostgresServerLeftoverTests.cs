using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// The throwaway server's start-up sweep removes what a crashed run left and never a live server's directory: the
/// Postgres suite once failed with two cleanups racing over one live directory.
/// </summary>
public sealed class PostgresServerLeftoverTests
{
    /// <summary>Above Linux's largest pid_max (2^22): no process can have it.</summary>
    private const int DeadProcessId = 4_194_305;

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Only_directories_of_gone_processes_whose_owner_lock_is_free_are_removed()
    {
        var tag = Guid.NewGuid().ToString("N");
        var leftover = Create($"multicloud-pg-{DeadProcessId}-{tag}a");
        var ours = Create($"multicloud-pg-{Environment.ProcessId}-{tag}b");
        var locked = Create($"multicloud-pg-{DeadProcessId}-{tag}c");
        try
        {
            using (new FileStream(Path.Combine(locked, "owner.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                PostgresServer.RemoveLeftovers();

                Assert.False(Directory.Exists(leftover), "the directory of a gone process was kept");
                Assert.True(File.Exists(Path.Combine(ours, "data", "base", "1", "1259")), "a directory of this process was touched");
                Assert.True(File.Exists(Path.Combine(locked, "data", "base", "1", "1259")), "a directory whose owner lock is held was touched");
            }

            PostgresServer.RemoveLeftovers();
            Assert.False(Directory.Exists(locked), "the directory stayed after its owner lock was released");
            Assert.True(Directory.Exists(ours));
        }
        finally
        {
            foreach (var directory in new[] { leftover, ours, locked }.Where(Directory.Exists))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    private static string Create(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), name);
        Directory.CreateDirectory(Path.Combine(directory, "data", "base", "1"));
        File.WriteAllText(Path.Combine(directory, "data", "base", "1", "1259"), "relation");
        return directory;
    }
}
