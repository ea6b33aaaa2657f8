namespace DataGateway.Domain.Identity;

/// <summary>Who a development token speaks for.</summary>
public sealed record DevelopmentTokenRequest
{
    /// <summary>The default lifetime: a working day.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    /// <summary>The caller's id, e.g. <c>judge-wang</c>; also the seed of the token's stable <c>oid</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>Display name, e.g. <c>王法官</c>; null uses <see cref="Subject"/>.</summary>
    public string? Name { get; init; }

    /// <summary>At least one of <see cref="Identity.Roles.All"/>.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>
    /// The catalog units the caller speaks for (<c>unit_id</c> claim): exactly one for a <c>unit</c> caller (a unit's
    /// system speaks for itself), one or several for an agency admin (an array claim when several).
    /// </summary>
    public IReadOnlyList<string> UnitIds { get; init; } = [];

    /// <summary>The caller's court code, e.g. <c>浙0604</c>.</summary>
    public string? CourtCode { get; init; }

    /// <summary>The caller's notary office code, e.g. <c>浙绍上</c>; a notary makes estate inquiries only under its files.</summary>
    public string? NotaryOffice { get; init; }

    /// <summary>Space-separated scopes for the <c>scope</c> claim, e.g. <c>district</c> for a district-wide agency admin.</summary>
    public string? Scope { get; init; }

    /// <summary>How long the token is valid from the moment it is issued.</summary>
    public TimeSpan Lifetime { get; init; } = DefaultLifetime;

    /// <summary>What is wrong with the request, one reason per entry; empty when a token can be issued for it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Subject))
        {
            errors.Add("subject is required");
        }

        if (Roles is null || Roles.Count == 0)
        {
            errors.Add($"at least one role is required ({string.Join(", ", Identity.Roles.All)})");
        }
        else
        {
            foreach (var role in Roles.Where(r => !Identity.Roles.IsKnown(r)))
            {
                errors.Add($"unknown role '{role}'; valid roles are {string.Join(", ", Identity.Roles.All)}");
            }

            if (Roles.Contains(Identity.Roles.Unit, StringComparer.Ordinal) && UnitIds?.Count != 1)
            {
                errors.Add($"role '{Identity.Roles.Unit}' requires exactly one unit id (the catalog id of the unit, e.g. bank-sxrcb)");
            }
        }

        if (UnitIds is null || UnitIds.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("a unit id must not be empty");
        }

        if (CourtCode is not null && !IsCourtCode(CourtCode))
        {
            errors.Add($"court code '{CourtCode}' must be 浙 followed by 4 digits, e.g. 浙0604");
        }

        if (NotaryOffice is not null && !Purposes.NotarialFileNumber.IsOfficeCode(NotaryOffice))
        {
            errors.Add($"notary office '{NotaryOffice}' must be 浙 followed by 1 to 3 Chinese characters, e.g. {Purposes.NotarialFileNumber.ShangyuOfficeCode}");
        }

        if (Lifetime <= TimeSpan.Zero)
        {
            errors.Add("lifetime must be positive");
        }

        return errors;
    }

    private static bool IsCourtCode(string value) =>
        value.Length == 5 && value[0] == '浙' && !value.AsSpan(1).ContainsAnyExceptInRange('0', '9');
}
