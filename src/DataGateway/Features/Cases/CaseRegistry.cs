using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Purposes;
using DataGateway.Features.Privacy;

namespace DataGateway.Features.Cases;

/// <summary>
/// The case registry: enforcement cases with their court, officers and parties, kept current by the court's case
/// system. Its <see cref="CheckAsync"/> is the purpose check in front of every query a judge makes.
/// </summary>
internal sealed partial class CaseRegistry(
    CaseStore store,
    CaseCache cache,
    KeyedHasher hasher,
    TimeProvider timeProvider,
    ILogger<CaseRegistry> logger)
{
    /// <summary>
    /// May <paramref name="user"/> query the subject under <paramref name="caseNumber"/>? Only when the case is in the
    /// registry and open, the token's <c>sub</c> is one of its officers, the token's <c>court</c> (when it has one)
    /// is the case's court, and the subject is a party to the case.
    /// </summary>
    /// <param name="subjectIdentifier">The subject's validated resident ID number or credit code.</param>
    public async Task<PurposeDecision> CheckAsync(
        ClaimsPrincipal user, CaseNumber caseNumber, string subjectIdentifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(caseNumber);
        ArgumentException.ThrowIfNullOrEmpty(subjectIdentifier);

        var number = caseNumber.ToString();
        var registered = await FindAsync(number, cancellationToken);
        // Both schemes' canonical forms are upper case (a resident ID's check character X, credit code letters).
        var subjectHash = hasher.Hash(subjectIdentifier.ToUpperInvariant());
        var decision = PurposeRules.Decide(registered, number, CaseCaller.From(user), subjectHash);
        if (!decision.Allowed)
        {
            Log.PurposeRefused(logger, number, decision.Reason!);
        }

        return decision;
    }

    /// <summary>The case under its canonical number, or null when the registry holds none.</summary>
    public async Task<RegisteredCase?> FindAsync(string caseNumber, CancellationToken cancellationToken)
    {
        if (cache.TryGet(caseNumber, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var registered = await store.FindAsync(caseNumber, cancellationToken);
        if (registered is not null)
        {
            cache.TryAdd(registered, generation);
        }

        return registered;
    }

    /// <summary>Registers or replaces a validated case.</summary>
    /// <param name="updatedBy">Who sent it: the court system's <c>sub</c>, or the seed file.</param>
    public async Task<(CaseChange Change, RegisteredCase Case)> PutAsync(
        CaseRegistration registration, string updatedBy, CancellationToken cancellationToken)
    {
        try
        {
            var result = await store.PutAsync(registration, updatedBy, timeProvider.GetUtcNow(), cancellationToken);
            if (result.Change != CaseChange.Unchanged)
            {
                Log.CasePut(logger, registration.CaseNumber, result.Change, registration.State, registration.Officers.Count, registration.Parties.Count, updatedBy);
            }

            return result;
        }
        finally
        {
            // Also after a failure: whether the commit happened is then unknown, so no copy may outlive it.
            cache.Invalidate(registration.CaseNumber);
        }
    }

    private static partial class Log
    {
        // Case numbers are court records, not personal identifiers; reasons never carry the subject's identifier.
        [LoggerMessage(EventId = 40, Level = LogLevel.Information,
            Message = "Case {CaseNumber} {Change}: {State}, {OfficerCount} officers, {PartyCount} parties, by {UpdatedBy}")]
        public static partial void CasePut(ILogger logger, string caseNumber, CaseChange change, CaseState state, int officerCount, int partyCount, string updatedBy);

        [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Purpose check refused a query under {CaseNumber}: {Reason}")]
        public static partial void PurposeRefused(ILogger logger, string caseNumber, string reason);
    }
}
