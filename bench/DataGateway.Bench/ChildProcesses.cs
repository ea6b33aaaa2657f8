using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DataGateway.Bench;

/// <summary>
/// A process the bench started (the simulator or the gateway). Every one is registered in <see cref="All"/> so that
/// Ctrl+C, SIGTERM, an exception or a normal exit kills it: a benchmark must never leave servers behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, ChildProcess> All = new();
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ConcurrentQueue<string> _tail = new();
    private int _stopped;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args</c> in the DLL's folder, its output going to <paramref name="logPath"/>.</summary>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            // The content root (appsettings.json) is the working directory.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Take(e.Data);
        process.ErrorDataReceived += (_, e) => child.Take(e.Data);
        if (!process.Start())
        {
            log.Dispose();
            throw new InvalidOperationException($"Could not start {name}.");
        }

        All[process.Id] = child;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process wrote, for an error message.</summary>
    public string Tail => string.Join(Environment.NewLine, _tail);

    /// <summary>Peak resident set size (VmHWM) in bytes, from /proc; null where there is no /proc.</summary>
    public long? PeakResidentBytes() => ReadStatus("VmHWM:");

    /// <summary>Resident set size now (VmRSS) in bytes.</summary>
    public long? ResidentBytes() => ReadStatus("VmRSS:");

    /// <summary>
    /// Resets VmHWM to the current RSS (Linux: writing 5 to /proc/pid/clear_refs), so a scenario measures its own peak,
    /// not start-up's. Returns false where the kernel does not allow it.
    /// </summary>
    public bool ResetPeakResident()
    {
        try
        {
            File.WriteAllText($"/proc/{Id}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private long? ReadStatus(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private void Take(string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
        catch (ObjectDisposedException)
        {
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        All.TryRemove(_process.Id, out _);
        try
        {
            if (!_process.HasExited)
            {
                // Both hosts stop on SIGTERM too, but a benchmark has no use for a graceful stop.
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    /// <summary>Kills every child still running; safe to call from any thread, more than once.</summary>
    public static void KillAll()
    {
        foreach (var child in All.Values)
        {
            try
            {
                if (!child._process.HasExited)
                {
                    child._process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }
}

internal static class FreePorts
{
    /// <summary>A loopback port free now (the OS picks it); a tiny race with other programs is accepted.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
