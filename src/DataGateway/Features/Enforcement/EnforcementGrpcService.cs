using DataGateway.Contracts.V1;
using DataGateway.Features.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace DataGateway.Features.Enforcement;

/// <summary>Enforcement over gRPC and, through JSON transcoding, REST (POST /v1/enforcement/asset-queries).</summary>
[Authorize(Policy = Policies.Judge)]
internal sealed class EnforcementGrpcService(AssetQueryHandler handler) : EnforcementService.EnforcementServiceBase
{
    public override Task<QueryAssetsResponse> QueryAssets(QueryAssetsRequest request, ServerCallContext context) =>
        handler.HandleAsync(request, context.GetHttpContext().User, context.CancellationToken);
}
