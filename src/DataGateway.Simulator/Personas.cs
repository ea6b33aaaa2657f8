using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using DataGateway.Domain.Subjects;

namespace DataGateway.Simulator;

/// <summary>The personas the simulator knows (config/personas.json), by identifier and by tag.</summary>
public sealed class Personas
{
    /// <summary>The file name beside the catalog.</summary>
    public const string FileName = "personas.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly FrozenDictionary<string, Persona> _byIdentifier;

    private Personas(IReadOnlyList<Persona> all)
    {
        All = all;
        _byIdentifier = all.ToFrozenDictionary(p => p.Identifier, StringComparer.Ordinal);
    }

    /// <summary>No personas: every subject is drawn at random.</summary>
    public static Personas Empty { get; } = new([]);

    public IReadOnlyList<Persona> All { get; }

    /// <summary>Reads and validates a personas file.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or a persona is invalid; the message lists every problem.</exception>
    public static Personas Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        PersonasFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<PersonasFile>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {e.Message}", e);
        }

        try
        {
            return Create(file?.Personas ?? []);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {e.Message}", e);
        }
    }

    /// <summary>Validates <paramref name="personas"/>: exactly one valid identifier each, no duplicates, names present.</summary>
    /// <exception cref="ArgumentException">The message lists every problem, naming personas by name and position, never by ID number.</exception>
    public static Personas Create(IEnumerable<Persona> personas)
    {
        ArgumentNullException.ThrowIfNull(personas);
        var list = new List<Persona>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var persona in personas)
        {
            var where = $"personas[{list.Count}] ({persona.Name})";
            list.Add(persona);
            if (string.IsNullOrWhiteSpace(persona.Name))
            {
                problems.Add($"personas[{list.Count - 1}]: name is required.");
            }

            if ((persona.IdNumber is null) == (persona.CreditCode is null))
            {
                problems.Add($"{where}: exactly one of idNumber and creditCode is required.");
                continue;
            }

            if (persona.IdNumber is not null && !IsCanonicalIdNumber(persona.IdNumber, out var idError))
            {
                problems.Add($"{where}: idNumber {idError}.");
            }

            if (persona.CreditCode is not null && !IsCanonicalCreditCode(persona.CreditCode, out var codeError))
            {
                problems.Add($"{where}: creditCode {codeError}.");
            }

            if (!seen.Add(persona.Identifier))
            {
                problems.Add($"{where}: the identifier is already used by an earlier persona.");
            }

            for (var i = 0; i < persona.Heirs.Count; i++)
            {
                if (!IsCanonicalIdNumber(persona.Heirs[i].IdNumber, out var heirError))
                {
                    problems.Add($"{where}: heirs[{i}] ({persona.Heirs[i].Name}) idNumber {heirError}.");
                }
            }

            foreach (var (assetKind, units) in persona.Holdings ?? FrozenDictionary<string, int>.Empty)
            {
                if (units < 1)
                {
                    problems.Add($"{where}: holdings.{assetKind} must be 1 or more (got {units}); leave the kind out to hold none.");
                }
            }
        }

        return problems.Count == 0
            ? new Personas(list)
            : throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(personas));
    }

    /// <summary>The first persona tagged <paramref name="tag"/>.</summary>
    /// <exception cref="KeyNotFoundException">No persona has that tag.</exception>
    public Persona WithTag(string tag)
    {
        foreach (var persona in All)
        {
            if (persona.HasTag(tag))
            {
                return persona;
            }
        }

        throw new KeyNotFoundException($"No persona is tagged '{tag}'.");
    }

    /// <summary>The persona asked about by <paramref name="identifier"/> (ID number or credit code; a lower-case x or letters are accepted).</summary>
    public bool TryFind(string identifier, [MaybeNullWhen(false)] out Persona persona)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return _byIdentifier.TryGetValue(identifier, out persona)
            || _byIdentifier.TryGetValue(identifier.ToUpperInvariant(), out persona);
    }

    private static bool IsCanonicalIdNumber(string value, [NotNullWhen(false)] out string? error)
    {
        // A persona's birth date is long past: no "today" is needed to refuse a future one.
        if (!ResidentIdNumber.TryValidate(value, DateOnly.MaxValue, out var normalised, out error))
        {
            return false;
        }

        error = normalised == value ? null : "must be written with an upper-case check character";
        return error is null;
    }

    private static bool IsCanonicalCreditCode(string value, [NotNullWhen(false)] out string? error)
    {
        if (!UnifiedSocialCreditCode.TryValidate(value, out var normalised, out error))
        {
            return false;
        }

        error = normalised == value ? null : "must be written in upper case";
        return error is null;
    }

    private sealed record PersonasFile
    {
        public string? Comment { get; init; }

        public IReadOnlyList<Persona> Personas { get; init; } = [];
    }
}
