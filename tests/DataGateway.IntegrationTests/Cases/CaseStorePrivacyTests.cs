using System.Text;
using DataGateway.Features.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Cases;

public sealed class CaseStorePrivacyTests(CaseHostFixture fixture) : IClassFixture<CaseHostFixture>
{
    [Fact]
    public async Task Store_AfterSeedingAndPuts_HoldsNoPlainIdentifier_InAnyColumnOrFile()
    {
        var number = fixture.NewCaseNumber();
        var extraId = CaseTesting.PersonId(7);
        var client = CaseTesting.Grpc(fixture.Host, CaseTesting.CourtSystemToken);
        await client.PutCaseAsync(CaseTesting.NewCase(number, extraId));
        // A lower-case x must not slip through either, in its own form or the canonical one.
        await client.PutCaseAsync(CaseTesting.NewCase(fixture.NewCaseNumber(), CaseTesting.NoAssetsId.ToLowerInvariant()));
        string[] identifiers = [.. CaseTesting.SeededIdentifiers, extraId];

        var values = await AllValuesAsync(fixture.Host.Services.GetRequiredService<GatewayStore>().DatabasePath!);

        // The scan reads what the registry wrote: masked forms are there, plain ones are not.
        Assert.Contains("330682********0113", values);
        Assert.Contains(values, v => v.Contains("恒昌化工", StringComparison.Ordinal));
        foreach (var id in identifiers)
        {
            Assert.DoesNotContain(values, v => v.Contains(id, StringComparison.OrdinalIgnoreCase));
        }

        var path = fixture.Host.Services.GetRequiredService<GatewayStore>().DatabasePath!;
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var id in identifiers)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(id)) < 0, $"{Path.GetFileName(file)} holds a plain identifier");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(id.ToLowerInvariant())) < 0, $"{Path.GetFileName(file)} holds a plain identifier");
            }
        }
    }

    /// <summary>Every value of every column of every table, as text.</summary>
    private static async Task<List<string>> AllValuesAsync(string databasePath)
    {
        var values = new List<string>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("case_parties", tables);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        continue;
                    }

                    values.Add(reader.GetValue(i) is byte[] blob ? Encoding.UTF8.GetString(blob) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
                }
            }
        }

        return values;
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
