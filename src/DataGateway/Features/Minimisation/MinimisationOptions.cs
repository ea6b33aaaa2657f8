using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;

namespace DataGateway.Features.Minimisation;

/// <summary>
/// Settings of the "Minimisation" section: how much of each data item a role sees. A role not in a data item's
/// <c>roles</c> never sees that item; a role that may see it sees it in full up to <see cref="FullUpTo"/> and masked
/// above it.
/// </summary>
public sealed class MinimisationOptions
{
    /// <summary>
    /// The highest sensitivity each role sees unmasked. Defaults: judge L4 (a judge must name the exact account or title
    /// to freeze or seal it), notary L3 (an estate inventory needs balances, not full account numbers), every other
    /// role L1. A role not listed sees only L1 in full.
    /// </summary>
    public Dictionary<string, Sensitivity> FullUpTo { get; set; } = new(StringComparer.Ordinal)
    {
        [Roles.Judge] = Sensitivity.L4,
        [Roles.Notary] = Sensitivity.L3,
    };

    /// <summary>
    /// Asset attributes that identify a thing or a person and are masked with the asset's reference. Default: unitNumber,
    /// accountNumber, cardNumber, employer.
    /// </summary>
    public List<string> IdentifyingAttributes { get; set; } = ["unitNumber", "accountNumber", "cardNumber", "employer"];
}
