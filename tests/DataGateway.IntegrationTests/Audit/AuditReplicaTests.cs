extern alias dgw;

using System.CommandLine;
using dgw::DataGateway.Cli;
using dgw::DataGateway.Cli.Commands;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Audit;

/// <summary>Two replicas of the gateway on one store: one audit chain, which either replica and dgw verify whole.</summary>
public sealed class AuditReplicaTests
{
    private const int QueriesPerReplica = 4;

    private static string AuditorToken => GatewayTestHost.Token(Roles.Auditor);

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task AssetQueries_OnTwoReplicas_OneChainThatEitherReplicaAndDgwVerify(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var queryIds = new List<string>();
        await using (var replicaA = await GatewayTestHost.StartAsync(store: database))
        await using (var replicaB = await GatewayTestHost.StartAsync(store: database))
        {
            // Both replicas answer at the same time, so their appends contend for the chain.
            var answers = await Task.WhenAll(new[] { replicaA, replicaB }.SelectMany(replica => Enumerable.Range(0, QueriesPerReplica).Select(i =>
                replica.Enforcement(Requests.JudgeToken).QueryAssetsAsync(
                    Requests.AssetQuery(Requests.Debtor, i % 2 == 0 ? "REAL_ESTATE" : "VEHICLE")).ResponseAsync)));
            queryIds.AddRange(answers.Select(a => a.QueryId));

            foreach (var replica in new[] { replicaA, replicaB })
            {
                using var client = replica.Rest(AuditorToken);
                var verification = JsonParser.Default.Parse<VerifyAuditTrailResponse>(await client.GetStringAsync("/v1/audit/verification"));
                Assert.True(verification.Intact, verification.Reason);
                Assert.Equal(2 * QueriesPerReplica, verification.RecordsChecked);
            }

            foreach (var replica in new[] { replicaA, replicaB })
            {
                using var client = replica.Rest(AuditorToken);
                var listed = JsonParser.Default.Parse<ListAuditRecordsResponse>(await client.GetStringAsync("/v1/audit/records?kind=asset-query"));
                // Each replica's auditor sees the queries both replicas answered.
                Assert.Equal(queryIds.Order(), listed.Records.Select(r => r.RequestId).Order());
            }
        }

        var (exitCode, output, error) = await DgwVerifyAsync(database);

        Assert.True(exitCode == ExitCodes.Success, error);
        // The two auditors' searches are data accesses too, recorded in the same chain.
        Assert.Equal($"audit trail intact: {2 * QueriesPerReplica + 2} records", output.Split(Environment.NewLine)[0]);
    }

    /// <summary>
    /// dgw audit verify, in process, as an auditor would point it at this store: the SQLite file, or the PostgreSQL
    /// database through the environment variable (so no password is on its command line).
    /// </summary>
    internal static async Task<(int ExitCode, string Output, string Error)> DgwVerifyAsync(TestStoreDatabase database, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = CliContext.Default with
        {
            GetEnvironmentVariable = name => name == AuditCommand.ConnectionVariable ? database.ConnectionString : null,
        };
        string[] args = database.Engine == StoreEngine.Postgres
            ? ["audit", "verify", .. extra]
            : ["audit", "verify", "--store", Path.Combine(database.Options.DataDirectory, database.Options.FileName), .. extra];
        var exitCode = await DgwCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, context, TestContext.Deadline);
        return (exitCode, output.ToString(), error.ToString());
    }
}
