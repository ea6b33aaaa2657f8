using DataGateway.Contracts.V1;
using DataGateway.Features.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace DataGateway.Features.Sla;

/// <summary>SLA scorecards over gRPC and, through JSON transcoding, REST (GET /v1/sla/units, /v1/sla/units/{id}, /v1/sla/unit-kinds, /v1/sla/overdue-matters).</summary>
[Authorize(Policy = Policies.AgencyAdmin)]
internal sealed class SlaGrpcService(ScorecardService scorecards) : SlaService.SlaServiceBase
{
    public override Task<ListUnitScorecardsResponse> ListUnitScorecards(ListUnitScorecardsRequest request, ServerCallContext context) =>
        scorecards.ListAsync(context.GetHttpContext().User, request, context.CancellationToken);

    public override Task<GetUnitScorecardResponse> GetUnitScorecard(GetUnitScorecardRequest request, ServerCallContext context) =>
        scorecards.GetAsync(context.GetHttpContext().User, request, context.CancellationToken);

    public override Task<ListUnitKindScorecardsResponse> ListUnitKindScorecards(ListUnitKindScorecardsRequest request, ServerCallContext context) =>
        scorecards.KindsAsync(context.GetHttpContext().User, request, context.CancellationToken);

    public override Task<ListOverdueMattersResponse> ListOverdueMatters(ListOverdueMattersRequest request, ServerCallContext context) =>
        scorecards.OverdueAsync(context.GetHttpContext().User, request, context.CancellationToken);
}
