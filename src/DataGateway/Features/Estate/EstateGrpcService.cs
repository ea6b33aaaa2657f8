using DataGateway.Contracts.V1;
using DataGateway.Features.Identity;
using DataGateway.Features.Limits;
using DataGateway.Features.Minimisation;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace DataGateway.Features.Estate;

/// <summary>
/// Estate inquiries over gRPC and, through JSON transcoding, REST: POST /v1/estate/inquiries,
/// GET /v1/estate/inquiries/{inquiryId} and GET /v1/estate/inquiries/{inquiryId}/report.html.
/// </summary>
[Authorize(Policy = Policies.Notary)]
internal sealed class EstateGrpcService(EstateInquiryHandler handler, ResponseMinimiser minimiser, QueryAdmission admission) : EstateService.EstateServiceBase
{
    public override async Task<CreateEstateInquiryResponse> CreateEstateInquiry(CreateEstateInquiryRequest request, ServerCallContext context)
    {
        using var admitted = admission.Admit(context);
        return new() { Report = await handler.CreateAsync(request, context.GetHttpContext().User, context.CancellationToken) };
    }

    public override async Task<GetEstateInquiryResponse> GetEstateInquiry(GetEstateInquiryRequest request, ServerCallContext context) =>
        new() { Report = await handler.GetAsync(request.InquiryId, context.GetHttpContext().User, context.CancellationToken) };

    public override async Task<HttpBody> GetEstateReportPage(GetEstateReportPageRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var report = await handler.GetAsync(request.InquiryId, http.User, context.CancellationToken);

        // An HttpBody holds no Asset for the interceptor to find: the report is minimised here, before it becomes text.
        var shown = report.Clone();
        minimiser.Apply(shown, http.User);
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            // A page with personal data: never cached by a browser or proxy, and it may load nothing from anywhere.
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
        }

        return new HttpBody
        {
            ContentType = "text/html; charset=utf-8",
            Data = ByteString.CopyFromUtf8(EstateReportPage.Render(shown)),
        };
    }
}
