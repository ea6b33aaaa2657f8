using Grpc.Core;

namespace DataGateway.Features.Audit;

/// <summary>How a request is refused when its access cannot be audited.</summary>
public static class AuditErrors
{
    /// <summary>The message callers see, over gRPC and in the REST problem details.</summary>
    public const string UnavailableMessage = "the audit trail cannot be written, so no answer is given";

    /// <summary>
    /// gRPC UNAVAILABLE, which JSON transcoding answers as HTTP 503: the refusal is the gateway's, temporary, and
    /// worth a retry, unlike a 403.
    /// </summary>
    public static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, UnavailableMessage));
}
