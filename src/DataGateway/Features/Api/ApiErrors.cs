using Grpc.Core;

namespace DataGateway.Features.Api;

/// <summary>
/// The one way the gateway refuses a request. Messages start with the field, in the JSON (camelCase) path a REST
/// caller sees, so "subject.idNumber: check character should be 'X' but is '3'" reads the same over gRPC and REST;
/// the REST problem-details writer lifts the field out of it.
/// </summary>
internal static class ApiErrors
{
    public static RpcException InvalidArgument(string field, string reason) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {reason}"));

    public static RpcException NotFound(string field, string reason) =>
        new(new Status(StatusCode.NotFound, $"{field}: {reason}"));

    public static RpcException PermissionDenied(string reason) =>
        new(new Status(StatusCode.PermissionDenied, reason));
}
