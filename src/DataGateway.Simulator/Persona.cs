using System.Text.Json.Serialization;

namespace DataGateway.Simulator;

/// <summary>
/// A subject with a known story (config/personas.json): a debtor with assets everywhere, a deceased person and heirs,
/// someone who holds nothing. Tests and demos query them by tag instead of hoping a random subject fits.
/// </summary>
public sealed record Persona
{
    /// <summary>Resident ID number (GB 11643) of a person; null for an organisation.</summary>
    public string? IdNumber { get; init; }

    /// <summary>Unified social credit code (GB 32100) of an organisation; null for a person.</summary>
    public string? CreditCode { get; init; }

    public required string Name { get; init; }

    /// <summary>Roles in the story: "debtor", "company", "deceased", "heir", "no-assets" ...</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The legal heirs of a deceased persona.</summary>
    public IReadOnlyList<Heir> Heirs { get; init; } = [];

    /// <summary>Date of death of a deceased persona.</summary>
    public DateOnly? DiedOn { get; init; }

    /// <summary>
    /// What the persona holds, overriding the random draw: asset kind code → how many units of those answering that
    /// kind hold something (e.g. "DEPOSIT": 3 is accounts at three banks; the banks and the assets are still drawn
    /// deterministically). Null: drawn at random like any subject. Empty: holds nothing anywhere.
    /// </summary>
    public IReadOnlyDictionary<string, int>? Holdings { get; init; }

    /// <summary>The identifier the persona is asked about by.</summary>
    [JsonIgnore]
    public string Identifier => IdNumber ?? CreditCode ?? throw new InvalidOperationException($"Persona '{Name}' has no identifier.");

    [JsonIgnore]
    public bool IsOrganisation => IdNumber is null;

    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);
}

/// <summary>A legal heir of a deceased persona.</summary>
public sealed record Heir
{
    public required string IdNumber { get; init; }

    public required string Name { get; init; }

    /// <summary>spouse, child, parent, sibling, grandparent.</summary>
    public required string Relationship { get; init; }
}
