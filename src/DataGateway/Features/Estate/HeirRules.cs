using DataGateway.Contracts.V1;

namespace DataGateway.Features.Estate;

/// <summary>A relative as a kinship record gives them, with their identity number in full (never leaves the gateway).</summary>
internal sealed record FoundRelative(string IdNumber, EstateRelationship Relationship, bool Deceased, Asset Record, string UnitId);

/// <summary>Whether the applicant may apply, and why not.</summary>
internal sealed record HeirDecision(bool Allowed, string? Reason);

/// <summary>
/// Statutory succession (Civil Code arts. 1127–1128): spouse, children and parents inherit first; siblings and
/// grandparents only where no first-order heir is alive. A relative recorded as dead does not inherit (their own heirs
/// may, by representation or transmission; the notary decides that from the death records, this does not). A will may
/// change who inherits what, but not who is an heir entitled to apply, so wills are reported, not applied.
/// </summary>
internal static class HeirRules
{
    public static int OrderOf(EstateRelationship relationship) => relationship switch
    {
        EstateRelationship.Spouse or EstateRelationship.Child or EstateRelationship.Parent => 1,
        _ => 2,
    };

    /// <summary>
    /// The relatives found, each once (the first record wins when registers repeat a person), first order first, with
    /// whether they inherit.
    /// </summary>
    public static List<EstateHeir> Heirs(IEnumerable<FoundRelative> found, string applicantId)
    {
        var relatives = new List<FoundRelative>();
        foreach (var relative in found)
        {
            if (!relatives.Exists(r => r.IdNumber == relative.IdNumber))
            {
                relatives.Add(relative);
            }
        }

        var firstOrderAlive = relatives.Exists(r => OrderOf(r.Relationship) == 1 && !r.Deceased);
        return relatives
            .OrderBy(r => OrderOf(r.Relationship))
            .ThenBy(r => r.Relationship)
            .Select(r => new EstateHeir
            {
                Name = r.Record.Description,
                Relationship = r.Relationship,
                Order = OrderOf(r.Relationship),
                Deceased = r.Deceased,
                Inherits = !r.Deceased && (OrderOf(r.Relationship) == 1 || !firstOrderAlive),
                Applicant = r.IdNumber == applicantId,
                Record = r.Record,
                UnitId = r.UnitId,
            })
            .ToList();
    }

    /// <summary>May the applicant apply? Only as a relative who inherits, related as they say. Reasons name no one.</summary>
    public static HeirDecision Check(IReadOnlyList<EstateHeir> heirs, EstateRelationship claimed)
    {
        var applicant = heirs.FirstOrDefault(h => h.Applicant);
        if (applicant is null)
        {
            return new(false, "the applicant is not among the relatives the registers show (spouse, children, parents, siblings, grandparents)");
        }

        if (applicant.Relationship != claimed)
        {
            return new(false, $"the registers record the applicant as {Word(applicant.Relationship)} of the deceased, not {Word(claimed)}");
        }

        if (applicant.Deceased)
        {
            return new(false, "the registers record the applicant as dead");
        }

        return applicant.Inherits
            ? new(true, null)
            : new(false, $"the applicant is a {Word(applicant.Relationship)}, a second-order heir, and second-order heirs inherit only where no spouse, child or parent is alive");
    }

    private static string Word(EstateRelationship relationship) => relationship switch
    {
        EstateRelationship.Spouse => "spouse",
        EstateRelationship.Child => "child",
        EstateRelationship.Parent => "parent",
        EstateRelationship.Sibling => "sibling",
        EstateRelationship.Grandparent => "grandparent",
        _ => "unspecified",
    };
}
