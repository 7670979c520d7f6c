using System.Net;
using System.Net.Sockets;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>Hands out loopback TCP ports that are free now and never the same twice in this test run.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    /// <summary>Returns a free port on 127.0.0.1.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
