using System.Diagnostics;
using System.Net;
using Xunit;

namespace MultiCloud.Tests.Image;

/// <summary>Polls a silo container's <c>/health/ready</c> (probes do not run under podman: the tests ask themselves).</summary>
public static class SiloReadiness
{
    private static readonly TimeSpan StateCheckEvery = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Returns once <c>/health/ready</c> answers 200; fails with the logs after <paramref name="within"/>, or at once when
    /// the container stops, unless <paramref name="restartedOnExit"/> (its restart policy starts it again, as the
    /// kubelet restarts a Deployment's container: then only the deadline counts, and the failure names the restarts).
    /// The container's state is read once a second (each read is a podman process), the endpoint four times a second.
    /// </summary>
    public static async Task WaitUntilReadyAsync(HttpClient http, string container, TimeSpan within, bool restartedOnExit = false)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? stateRead = null;
        var last = "no answer";
        while (clock.Elapsed < within)
        {
            if (!restartedOnExit && (stateRead is null || clock.Elapsed - stateRead >= StateCheckEvery))
            {
                stateRead = clock.Elapsed;
                if ((await Podman.RunAsync("inspect", "--format", "{{.State.Running}}", container)).Trim() != "true")
                {
                    Assert.Fail($"{container} stopped before it was ready:\n{await Podman.RunAsync("logs", container)}");
                }
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                last = $"no answer within {http.Timeout.TotalSeconds} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }

        var restarts = (await Podman.RunAsync("inspect", "--format", "{{.RestartCount}}", container)).Trim();
        Assert.Fail($"{container}: /health/ready did not answer 200 within {within.TotalSeconds} s ({restarts} restarts; last: {last}):\n{await Podman.RunAsync("logs", container)}");
    }
}
