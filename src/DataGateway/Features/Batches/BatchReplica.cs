using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DataGateway.Features.Batches;

/// <summary>
/// The id a batch runner leases subjects under and logs itself as: "name:process-id:random", e.g.
/// "gw-7d9f:4120:9c1e0b2a". The name (<see cref="BatchesOptions.ReplicaId"/>, else the machine name) says where it
/// runs; the process id and the random suffix make it unique per process even when names repeat, as they do for two
/// replicas on one machine, for containers given the same host name, for gateways hosted side by side in one test
/// process, and for a process restarted after a crash (which must not pass for its predecessor: a lease the old
/// process held is taken over only once it expires).
/// </summary>
internal static class BatchReplica
{
    private const int MaxNameLength = 64;

    public static string NewId(string? name)
    {
        var label = Clean(string.IsNullOrWhiteSpace(name) ? Environment.MachineName : name);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return string.Create(CultureInfo.InvariantCulture, $"{label}:{Environment.ProcessId}:{suffix}");
    }

    /// <summary>Letters, digits, '.', '-' and '_' only, so a configured name cannot forge a log line or another id's shape.</summary>
    private static string Clean(string name)
    {
        var text = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        foreach (var c in name.Trim())
        {
            if (text.Length == MaxNameLength)
            {
                break;
            }

            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-');
        }

        return text.Length == 0 ? "replica" : text.ToString();
    }
}
