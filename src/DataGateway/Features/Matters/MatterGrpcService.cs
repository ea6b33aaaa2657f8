using DataGateway.Contracts.V1;
using DataGateway.Features.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace DataGateway.Features.Matters;

/// <summary>
/// Matters over gRPC and, through JSON transcoding, REST: POST /v1/matters, GET /v1/matters/{id},
/// GET /v1/cases/{caseNumber}/matters (judges), POST /v1/matters/{id}/feedback (units).
/// </summary>
internal sealed class MatterGrpcService(MatterHandler matters, FeedbackHandler feedback) : MatterService.MatterServiceBase
{
    [Authorize(Policy = Policies.Judge)]
    public override Task<FileMatterResponse> FileMatter(FileMatterRequest request, ServerCallContext context) =>
        matters.FileAsync(request, context.GetHttpContext().User, context.CancellationToken);

    [Authorize(Policy = Policies.MatterReader)]
    public override Task<GetMatterResponse> GetMatter(GetMatterRequest request, ServerCallContext context) =>
        matters.GetAsync(request, context.GetHttpContext().User, context.CancellationToken);

    [Authorize(Policy = Policies.Judge)]
    public override Task<ListCaseMattersResponse> ListCaseMatters(ListCaseMattersRequest request, ServerCallContext context) =>
        matters.ListByCaseAsync(request, context.GetHttpContext().User, context.CancellationToken);

    [Authorize(Policy = Policies.Unit)]
    public override Task<SubmitFeedbackResponse> SubmitFeedback(SubmitFeedbackRequest request, ServerCallContext context) =>
        feedback.SubmitAsync(request, context.GetHttpContext().User, context.CancellationToken);
}
