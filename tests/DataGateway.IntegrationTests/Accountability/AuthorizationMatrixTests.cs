using System.Net;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>One gateway (with the Development seed) and a gRPC channel to it, shared by the matrix.</summary>
public sealed class MatrixHostFixture : IAsyncLifetime
{
    public GatewayTestHost Host { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await GatewayTestHost.StartAsync();
        Channel = AccountabilityTesting.Channel(Host);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// The authorisation matrix, over REST and gRPC: every route against every role and no token. Guard tests keep the
/// table in step with the routes the protos declare.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixHostFixture fixture) : IClassFixture<MatrixHostFixture>
{
    public static TheoryData<string, string, string, Access> Cells()
    {
        var data = new TheoryData<string, string, string, Access>();
        foreach (var transport in new[] { "REST", "gRPC" })
        {
            foreach (var endpoint in AuthorizationMatrix.Endpoints)
            {
                foreach (var caller in AuthorizationMatrix.Callers)
                {
                    data.Add(transport, endpoint.Key, caller, endpoint.ExpectedFor(caller));
                }
            }
        }

        return data;
    }

    public static TheoryData<string> ServedRoutes() => [.. AuthorizationMatrix.Endpoints.Where(e => e.Served).Select(e => e.Key)];

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Route_CalledByEachRoleAndWithoutToken_GetsTheExpectedAccess(string transport, string route, string caller, Access expected)
    {
        var endpoint = AuthorizationMatrix.Endpoint(route);
        var token = AuthorizationMatrix.TokenOf(caller);

        var (actual, answer) = transport == "REST" ? await RestAsync(endpoint, token) : await GrpcAsync(endpoint, token);

        Assert.True(actual == expected, $"{transport} {route} as {caller}: expected {expected}, got {answer}");
    }

    /// <summary>"Allowed" proves nothing if the matrix's request is refused for its content: each route serves its first allowed caller.</summary>
    [Theory]
    [MemberData(nameof(ServedRoutes))]
    public async Task Route_MatrixRequestFromAnAllowedCaller_IsServed(string route)
    {
        var endpoint = AuthorizationMatrix.Endpoint(route);
        var caller = AuthorizationMatrix.Callers.First(c => endpoint.ExpectedFor(c) == Access.Allowed);
        using var client = fixture.Host.Rest(AuthorizationMatrix.TokenOf(caller));

        using var response = await client.SendAsync(endpoint.Rest());

        Assert.True(response.IsSuccessStatusCode, $"{route} as {caller}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public void Matrix_CoversEveryHttpRouteTheProtosDeclare()
    {
        var declared = ProtoHttpRules.All;
        var listed = AuthorizationMatrix.Endpoints.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);

        var missing = declared.Where(r => !listed.Contains(r.Key)).Select(r => $"{r.Key} ({r.Rpc})").ToList();

        Assert.Contains(declared, r => r.Key == "POST /v1/enforcement/asset-queries");
        Assert.True(missing.Count == 0, $"routes in protos/ that the authorisation matrix does not list: {string.Join("; ", missing)}");
    }

    [Fact]
    public void Matrix_ListsNoRouteTheGatewayDoesNotDeclare()
    {
        var declared = ProtoHttpRules.All.Select(r => r.Key).Concat(AuthorizationMatrix.NonProtoRoutes).ToHashSet(StringComparer.Ordinal);

        var stale = AuthorizationMatrix.Endpoints.Select(e => e.Key).Where(k => !declared.Contains(k)).ToList();

        Assert.True(stale.Count == 0, $"the matrix lists routes no proto declares: {string.Join("; ", stale)}");
    }

    [Fact]
    public void ProtoHttpRules_ReadsAdditionalBindings_AndIgnoresCommentedOutOptions()
    {
        var directory = Directory.CreateTempSubdirectory("datagateway-protos-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "x.proto"), """
                service X {
                  rpc A(R) returns (R) {
                    option (google.api.http) = {
                      get: "/v1/a/{id}"
                      additional_bindings { post: "/v1/a:search" body: "*" }
                    };
                  }
                  // rpc B(R) returns (R) { option (google.api.http) = {get: "/v1/b"}; }
                  /* rpc C(R) returns (R) { option (google.api.http) = {get: "/v1/c"}; } */
                }
                """);

            var rules = ProtoHttpRules.Read(directory.FullName);

            Assert.Equal(["GET /v1/a/{id}", "POST /v1/a:search"], rules.Select(r => r.Key));
            Assert.All(rules, r => Assert.Equal("x.proto A", r.Rpc));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<(Access? Access, string Answer)> RestAsync(MatrixEndpoint endpoint, string? token)
    {
        using var client = fixture.Host.Rest(token);
        using var response = await client.SendAsync(endpoint.Rest());
        var answer = $"HTTP {(int)response.StatusCode}";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => (Access.Unauthenticated, answer),
            HttpStatusCode.Forbidden => (Access.Forbidden, answer),
            >= HttpStatusCode.InternalServerError => (null, $"{answer} (a server error): {await response.Content.ReadAsStringAsync()}"),
            _ => (Access.Allowed, answer),
        };
    }

    private async Task<(Access? Access, string Answer)> GrpcAsync(MatrixEndpoint endpoint, string? token)
    {
        try
        {
            await endpoint.Grpc(AccountabilityTesting.Invoker(fixture.Channel, token));
            return (Access.Allowed, "OK");
        }
        catch (RpcException e)
        {
            var answer = $"{e.StatusCode}: {e.Status.Detail}";
            return e.StatusCode switch
            {
                StatusCode.Unauthenticated => (Access.Unauthenticated, answer),
                StatusCode.PermissionDenied => (Access.Forbidden, answer),
                StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss or StatusCode.Unavailable => (null, answer + " (a server error)"),
                _ => (Access.Allowed, answer),
            };
        }
    }
}
