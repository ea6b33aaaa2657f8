using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataGateway.Domain.Catalog;

/// <summary>
/// Reads the four catalog files. Enum-valued fields are read as text and parsed here rather than by
/// JsonStringEnumConverter: the converter throws at the first bad value, which would hide every later problem
/// and could not name the entry's id.
/// </summary>
internal static class CatalogFiles
{
    public const string Units = "units.json";
    public const string DataItems = "data-items.json";
    public const string AssetKinds = "asset-kinds.json";
    public const string UnitKinds = "unit-kinds.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A misspelt property ("timeOutMs") would otherwise be ignored silently and the default used.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public static List<UnitDefinition?>? ReadUnits(string directory, List<string> problems)
    {
        var file = Read<UnitsFile>(directory, Units, problems);
        if (file is null)
        {
            return null;
        }

        if (file.Units is null)
        {
            problems.Add($"{Units}: has no \"units\" array.");
            return null;
        }

        return file.Units.Select((entry, index) => entry is null ? null : ToDefinition(entry, index, problems)).ToList();
    }

    public static List<DataItemDefinition?>? ReadDataItems(string directory, List<string> problems)
    {
        var file = Read<DataItemsFile>(directory, DataItems, problems);
        if (file is null)
        {
            return null;
        }

        if (file.DataItems is null)
        {
            problems.Add($"{DataItems}: has no \"dataItems\" array.");
            return null;
        }

        return file.DataItems.Select((entry, index) => entry is null ? null : ToDefinition(entry, index, problems)).ToList();
    }

    public static List<AssetKindDefinition?>? ReadAssetKinds(string directory, List<string> problems)
    {
        var file = Read<AssetKindsFile>(directory, AssetKinds, problems);
        if (file is null)
        {
            return null;
        }

        if (file.AssetKinds is null)
        {
            problems.Add($"{AssetKinds}: has no \"assetKinds\" array.");
            return null;
        }

        return file.AssetKinds
            .Select(entry => entry is null ? null : new AssetKindDefinition { Code = entry.Code!, NameZh = entry.NameZh!, NameEn = entry.NameEn! })
            .ToList();
    }

    public static List<UnitKindDefinition?>? ReadUnitKinds(string directory, List<string> problems)
    {
        var file = Read<UnitKindsFile>(directory, UnitKinds, problems);
        if (file is null)
        {
            return null;
        }

        if (file.UnitKinds is null)
        {
            problems.Add($"{UnitKinds}: has no \"unitKinds\" array.");
            return null;
        }

        return file.UnitKinds.Select((entry, index) => entry is null ? null : ToDefinition(entry, index, problems)).ToList();
    }

    private static T? Read<T>(string directory, string fileName, List<string> problems)
        where T : class
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            problems.Add($"{fileName}: file not found in {Path.GetFullPath(directory)}.");
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var file = JsonSerializer.Deserialize<T>(stream, Options);
            if (file is null)
            {
                problems.Add($"{fileName}: holds null; expected an object.");
            }

            return file;
        }
        catch (JsonException ex)
        {
            problems.Add($"{fileName}: malformed JSON {Where(ex)}: {Reason(ex)}");
            return null;
        }
        catch (IOException ex)
        {
            problems.Add($"{fileName}: cannot be read: {ex.Message}");
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            problems.Add($"{fileName}: cannot be read: {ex.Message}");
            return null;
        }
    }

    private static string Where(JsonException ex)
    {
        // JsonException counts lines and bytes from 0; editors count from 1.
        var where = ex.LineNumber is { } line ? $"at line {line + 1}" : "near the end";
        if (ex.BytePositionInLine is { } position)
        {
            // A byte offset, not a character column: each Chinese character is three bytes in UTF-8.
            where += $", byte {position + 1}";
        }

        return string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? where : $"{where} ({ex.Path})";
    }

    private static string Reason(JsonException ex)
    {
        // The serializer names an internal type here; the property is what the editor of the file needs.
        const string unmapped = "The JSON property '";
        var message = ex.Message;
        if (message.StartsWith(unmapped, StringComparison.Ordinal)
            && message.Contains("could not be mapped", StringComparison.Ordinal)
            && message.IndexOf('\'', unmapped.Length) is var end and > 0)
        {
            return $"unknown property '{message[unmapped.Length..end]}'.";
        }

        // The message repeats path and 0-based positions after the reason; keep only the reason.
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                message = message[..at];
            }
        }

        return message.Trim();
    }

    private static UnitDefinition ToDefinition(UnitEntry entry, int index, List<string> problems)
    {
        var where = $"{Units}: {CatalogValidator.UnitLabel(entry.Id, index)}";
        Uri? endpoint = null;
        if (entry.Endpoint is not null && !Uri.TryCreate(entry.Endpoint, UriKind.Absolute, out endpoint))
        {
            problems.Add($"{where}: endpoint '{entry.Endpoint}' is not an absolute URI.");
        }

        return new UnitDefinition
        {
            Id = entry.Id!,
            Name = entry.Name!,
            Kind = ParseEnum<UnitKind>(entry.Kind, "kind", "a unit kind", where, problems),
            Town = entry.Town,
            DataItems = entry.DataItems ?? [],
            Actions = entry.Actions ?? [],
            TimeoutMs = entry.TimeoutMs,
            Endpoint = endpoint,
        };
    }

    private static DataItemDefinition ToDefinition(DataItemEntry entry, int index, List<string> problems)
    {
        var where = $"{DataItems}: {CatalogValidator.DataItemLabel(entry.Code, index)}";
        return new DataItemDefinition
        {
            Code = entry.Code!,
            NameZh = entry.NameZh!,
            NameEn = entry.NameEn!,
            OwnerUnitKind = ParseEnum<UnitKind>(entry.OwnerUnitKind, "ownerUnitKind", "a unit kind", where, problems),
            AssetKind = entry.AssetKind,
            Sensitivity = ParseEnum<Sensitivity>(entry.Sensitivity, "sensitivity", "a sensitivity level", where, problems),
            SharingClass = ParseEnum<SharingClass>(entry.SharingClass, "sharingClass", "a sharing class", where, problems),
            Roles = entry.Roles ?? [],
            CacheSeconds = entry.CacheSeconds ?? 0,
        };
    }

    private static UnitKindDefinition ToDefinition(UnitKindEntry entry, int index, List<string> problems)
    {
        var where = $"{UnitKinds}: {CatalogValidator.UnitKindLabel(entry.Kind, index)}";
        var definition = new UnitKindDefinition
        {
            Kind = ParseEnum<UnitKind>(entry.Kind, "kind", "a unit kind", where, problems),
            NameZh = entry.NameZh!,
            NameEn = entry.NameEn!,
        };
        return entry.TimeoutMs is { } timeoutMs ? definition with { TimeoutMs = timeoutMs } : definition;
    }

    /// <summary>
    /// Exact, case-sensitive names only: Enum.TryParse would also take "3" or "Bank, Tax". A bad value yields
    /// an undefined value, which the validator leaves out of its cross-checks (the problem is already reported).
    /// </summary>
    private static TEnum ParseEnum<TEnum>(string? text, string property, string what, string where, List<string> problems)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"{where}: {property} is missing.");
            return CatalogValidator.Undefined<TEnum>();
        }

        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(value.ToString(), text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        problems.Add($"{where}: {property} '{text}' is not {what} (expected one of: {string.Join(", ", Enum.GetNames<TEnum>())}).");
        return CatalogValidator.Undefined<TEnum>();
    }

    private sealed record UnitsFile
    {
        public List<UnitEntry?>? Units { get; init; }
    }

    private sealed record UnitEntry
    {
        public string? Id { get; init; }
        public string? Name { get; init; }
        public string? Kind { get; init; }
        public string? Town { get; init; }
        public List<string>? DataItems { get; init; }
        public List<string>? Actions { get; init; }
        public int? TimeoutMs { get; init; }
        public string? Endpoint { get; init; }
    }

    private sealed record DataItemsFile
    {
        public List<DataItemEntry?>? DataItems { get; init; }
    }

    private sealed record DataItemEntry
    {
        public string? Code { get; init; }
        public string? NameZh { get; init; }
        public string? NameEn { get; init; }
        public string? OwnerUnitKind { get; init; }
        public string? AssetKind { get; init; }
        public string? Sensitivity { get; init; }
        public string? SharingClass { get; init; }
        public List<string>? Roles { get; init; }
        public int? CacheSeconds { get; init; }
    }

    private sealed record AssetKindsFile
    {
        public List<AssetKindEntry?>? AssetKinds { get; init; }
    }

    private sealed record AssetKindEntry
    {
        public string? Code { get; init; }
        public string? NameZh { get; init; }
        public string? NameEn { get; init; }
    }

    private sealed record UnitKindsFile
    {
        public List<UnitKindEntry?>? UnitKinds { get; init; }
    }

    private sealed record UnitKindEntry
    {
        public string? Kind { get; init; }
        public string? NameZh { get; init; }
        public string? NameEn { get; init; }
        public int? TimeoutMs { get; init; }
    }
}
