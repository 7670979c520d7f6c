using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace MultiCloud.RegionsRig;

/// <summary>
/// The inter-region delay: a TCP relay running inside a namespace. iptables <c>REDIRECT</c>s every TCP connection
/// leaving the namespace for another region to the relay, which connects to the original destination
/// (<c>SO_ORIGINAL_DST</c>) and forwards the bytes both ways, each chunk held for <see cref="Delay"/> before it is sent
/// on (order kept). This kernel has no <c>netem</c>; this adds the same delay to every cross-region stream.
/// </summary>
/// <remarks>
/// What the relay cannot hide: a connect to a dead peer is seen by the client as a reset right after connecting
/// (the local relay accepted it), not as "connection refused"; and a peer that vanishes is detected by the relay's
/// own TCP keepalive and user timeout (<see cref="UpstreamTimeout"/>), after which it resets the client.
/// </remarks>
/// <param name="port">The port the relay listens on inside the namespace.</param>
/// <param name="delay">Delay added to each direction.</param>
public sealed class DelayRelay(int port, TimeSpan delay)
{
    /// <summary>Firewall mark on the relay's own outgoing connections, so that iptables does not redirect them again.</summary>
    public const int Mark = 0x2a;

    /// <summary>The default port of the relay.</summary>
    public const int DefaultPort = 15000;

    private const int SolIp = 0;
    private const int SoOriginalDst = 80;
    private const int SolSocket = 1;
    private const int SoMark = 36;
    private const int IpProtoTcp = 6;
    private const int TcpUserTimeout = 18;

    /// <summary>The delay added to each direction.</summary>
    public TimeSpan Delay { get; } = delay;

    /// <summary>How long an upstream connection may go unacknowledged before the relay gives up on it and resets the client.</summary>
    public static TimeSpan UpstreamTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Accepts and relays connections until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Any, port));
        listener.Listen(1024);
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptAsync(cancellationToken);
            _ = Task.Run(() => RelayAsync(client, cancellationToken), CancellationToken.None);
        }
    }

    /// <summary>The destination a redirected connection was addressed to.</summary>
    public static IPEndPoint OriginalDestination(Socket socket)
    {
        Span<byte> address = stackalloc byte[16];
        var length = socket.GetRawSocketOption(SolIp, SoOriginalDst, address);
        if (length < 8)
        {
            throw new InvalidOperationException("The connection has no original destination (was it redirected by iptables?).");
        }

        var portNumber = (address[2] << 8) | address[3];
        return new IPEndPoint(new IPAddress(address.Slice(4, 4)), portNumber);
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                var target = OriginalDestination(client);
                upstream.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(Mark));
                upstream.SetRawSocketOption(IpProtoTcp, TcpUserTimeout, BitConverter.GetBytes((int)UpstreamTimeout.TotalMilliseconds));
                upstream.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                upstream.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 2);
                upstream.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
                upstream.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 5);
                upstream.NoDelay = true;
                client.NoDelay = true;

                // The connect itself crosses the regions: hold it for the one-way delay too.
                await Task.Delay(Delay, cancellationToken);
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(UpstreamTimeout);
                await upstream.ConnectAsync(target, connectTimeout.Token);
                await Task.Delay(Delay, cancellationToken);
                var toUpstream = PumpAsync(client, upstream, cancellationToken);
                var toClient = PumpAsync(upstream, client, cancellationToken);
                if (await Task.WhenAny(toUpstream, toClient) is { IsCompletedSuccessfully: false })
                {
                    // A reset on one side must reach the other at once, as it would without the relay: the other
                    // direction may be a peer waiting for an answer that never comes (a standby's WAL receiver, whose
                    // connection has no timeout, waited forever on a primary that had reset its side).
                    Reset(client);
                    Reset(upstream);
                }

                await Task.WhenAll(toUpstream, toClient);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException or IOException or InvalidOperationException)
            {
                Reset(client);
                Reset(upstream);
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[] Buffer, int Length)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    if (read == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }

                    queue.Writer.TryWrite((Stopwatch.GetTimestamp() + (long)(Delay.TotalSeconds * Stopwatch.Frequency), buffer, read));
                }

                queue.Writer.TryComplete();
            }
            catch (Exception exception)
            {
                queue.Writer.TryComplete(exception);
            }
        }, CancellationToken.None);

        await foreach (var (due, buffer, length) in queue.Reader.ReadAllAsync(cancellationToken))
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var sent = 0;
            while (sent < length)
            {
                sent += await to.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken);
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }

        await reading;
        to.Shutdown(SocketShutdown.Send);
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
