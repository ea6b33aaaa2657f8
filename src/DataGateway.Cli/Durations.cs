using System.Globalization;

namespace DataGateway.Cli;

/// <summary>Durations as people type them on a command line: <c>8h</c>, <c>30m</c>, <c>1h30m</c>, <c>2d</c>, <c>90s</c>.</summary>
public static class Durations
{
    public const string Help = "a number with a unit d, h, m or s, e.g. 8h, 30m, 1h30m, or hh:mm:ss";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var digits = rest.IndexOfAnyExceptInRange('0', '9');
            if (digits <= 0 || !int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            TimeSpan? unit = char.ToLowerInvariant(rest[digits]) switch
            {
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                'm' => TimeSpan.FromMinutes(1),
                's' => TimeSpan.FromSeconds(1),
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            try
            {
                duration += unit.Value * amount;
            }
            catch (OverflowException)
            {
                return false;
            }

            rest = rest[(digits + 1)..];
        }

        return true;
    }
}
