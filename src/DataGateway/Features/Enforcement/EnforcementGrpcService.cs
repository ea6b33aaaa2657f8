using DataGateway.Contracts.V1;
using DataGateway.Features.Identity;
using DataGateway.Features.Limits;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace DataGateway.Features.Enforcement;

/// <summary>Enforcement over gRPC and, through JSON transcoding, REST (POST /v1/enforcement/asset-queries).</summary>
[Authorize(Policy = Policies.Judge)]
internal sealed class EnforcementGrpcService(AssetQueryHandler handler, QueryAdmission admission) : EnforcementService.EnforcementServiceBase
{
    public override async Task<QueryAssetsResponse> QueryAssets(QueryAssetsRequest request, ServerCallContext context)
    {
        using var admitted = admission.Admit(context);
        return await handler.HandleAsync(request, context.GetHttpContext().User, context.CancellationToken);
    }
}
