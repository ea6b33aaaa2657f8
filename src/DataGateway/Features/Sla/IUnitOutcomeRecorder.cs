using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Sla;

/// <summary>
/// Counts how units answer queries, for the SLA scorecards. <see cref="Units.UnitFanOut"/> calls it once per unit
/// answer, on the hot path: implementations must only count in memory and write in batches elsewhere.
/// </summary>
public interface IUnitOutcomeRecorder
{
    /// <summary>Counts one unit's answer to one question; cached answers are not counted (the unit was not asked).</summary>
    void Record(UnitDefinition unit, UnitAnswer answer, DateTimeOffset at);
}
