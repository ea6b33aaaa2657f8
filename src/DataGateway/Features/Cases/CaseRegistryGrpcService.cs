using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Features.Api;
using DataGateway.Features.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace DataGateway.Features.Cases;

/// <summary>The case registry over gRPC and, through JSON transcoding, REST (PUT and GET /v1/cases/{caseNumber}).</summary>
internal sealed class CaseRegistryGrpcService(CaseRegistry registry, CaseValidator validator) : CaseRegistryService.CaseRegistryServiceBase
{
    [Authorize(Policy = Policies.CourtSystem)]
    public override async Task<PutCaseResponse> PutCase(PutCaseRequest request, ServerCallContext context)
    {
        var registration = validator.Validate(request);
        var caller = CaseCaller.From(context.GetHttpContext().User);
        RefuseOtherCourt(caller, registration.CourtCode);

        var (change, registered) = await registry.PutAsync(registration, caller.OfficerId ?? Roles.CourtSystem, context.CancellationToken);
        return new PutCaseResponse { Case = registered.ToContract(), Change = change };
    }

    [Authorize(Roles = Roles.CourtSystem + "," + Roles.Judge)]
    public override async Task<GetCaseResponse> GetCase(GetCaseRequest request, ServerCallContext context)
    {
        var caseNumber = validator.ParseCaseNumber(request.CaseNumber).ToString();
        var user = context.GetHttpContext().User;
        var caller = CaseCaller.From(user);
        var registered = await registry.FindAsync(caseNumber, context.CancellationToken)
            ?? throw ApiErrors.NotFound("caseNumber", $"no such case in the case registry: {caseNumber}");

        if (user.IsInRole(Roles.CourtSystem))
        {
            RefuseOtherCourt(caller, registered.CourtCode);
        }
        else
        {
            var access = PurposeRules.CanSee(registered, caller);
            if (!access.Allowed)
            {
                throw ApiErrors.PermissionDenied(access.Reason!);
            }
        }

        return new GetCaseResponse { Case = registered.ToContract() };
    }

    // A court's case system speaks for its own court; a token without a court claim speaks for the district.
    private static void RefuseOtherCourt(CaseCaller caller, string courtCode)
    {
        if (caller.CourtCode is not null && !string.Equals(caller.CourtCode, courtCode, StringComparison.Ordinal))
        {
            throw ApiErrors.PermissionDenied($"this case system speaks for court {caller.CourtCode}, not for {courtCode}");
        }
    }
}
