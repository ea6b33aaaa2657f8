using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DataGateway.IntegrationTests.Cases;

public sealed class CaseSeedingTests(CaseHostFixture fixture) : IClassFixture<CaseHostFixture>
{
    private static string SeedFile => Path.Combine(GatewayTestHost.ConfigDirectory, "cases.json");

    private CaseSeeder Seeder => fixture.Host.Services.GetRequiredService<CaseSeeder>();

    private CaseStore Store => fixture.Host.Services.GetRequiredService<CaseStore>();

    [Fact]
    public async Task Start_InDevelopment_RegistersEveryCaseOfTheSeedFile_AsWritten()
    {
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(SeedFile));
        var entries = file.RootElement.GetProperty("cases").EnumerateArray().ToList();

        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            var registered = await Store.FindAsync(entry.GetProperty("caseNumber").GetString()!, TestContext.Deadline);
            Assert.NotNull(registered);
            Assert.Equal(entry.GetProperty("officers").EnumerateArray().Select(o => o.GetString()), registered.Registration.Officers);
            Assert.Equal(entry.GetProperty("parties").GetArrayLength(), registered.Registration.Parties.Count);
            Assert.Equal(CaseSeeder.SeededBy, await UpdatedByAsync(registered.CaseNumber));
        }
    }

    [Fact]
    public async Task Seed_RunAgain_ChangesNothing()
    {
        var before = await Store.FindAsync(CaseTesting.WangCase, TestContext.Deadline);
        fixture.Host.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await Seeder.SeedAsync(SeedFile, TestContext.Deadline);
        var after = await Store.FindAsync(CaseTesting.WangCase, TestContext.Deadline);

        Assert.Equal(0, result.Created);
        Assert.Equal(0, result.Updated);
        Assert.Equal(5, result.Unchanged);
        Assert.Equal(before!.UpdatedAt, after!.UpdatedAt);
    }

    [Fact]
    public async Task Seed_FileWithOneBadCase_NamesTheEntryAndField_AndRegistersNone()
    {
        var good = fixture.NewCaseNumber();
        var bad = fixture.NewCaseNumber();
        var path = Path.Combine(fixture.Host.DataDirectory, "bad-cases.json");
        var goodCase = CaseTesting.NewCase(good, CaseTesting.PersonDebtorId);
        var badCase = CaseTesting.NewCase(bad, CaseTesting.PersonDebtorId);
        badCase.Parties[1].CreditCode = "91330604MA2BC7D3X0";
        await File.WriteAllTextAsync(path, $$"""{ "cases": [ {{Google.Protobuf.JsonFormatter.Default.Format(goodCase)}}, {{Google.Protobuf.JsonFormatter.Default.Format(badCase)}} ] }""");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Seeder.SeedAsync(path, TestContext.Deadline));

        Assert.Contains($"cases[1] {bad}: parties[1].creditCode: check character", error.Message);
        Assert.Null(await Store.FindAsync(good, TestContext.Deadline));
    }

    [Fact]
    public async Task Start_OutsideDevelopment_WithSeedOnStart_Refuses()
    {
        var services = fixture.Host.Services;
        var seeder = new CaseSeeder(
            services.GetRequiredService<CaseRegistry>(),
            services.GetRequiredService<CaseValidator>(),
            Options.Create(new CasesOptions { SeedOnStart = true }),
            new ProductionEnvironment(),
            NullLogger<CaseSeeder>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => seeder.StartAsync(TestContext.Deadline));

        Assert.Contains("only allowed in the Development environment", error.Message);
    }

    private async Task<string> UpdatedByAsync(string caseNumber)
    {
        var path = fixture.Host.Services.GetRequiredService<DataGateway.Features.Store.GatewayStore>().DatabasePath;
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path + ";Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT updated_by FROM cases WHERE case_number = $number";
        command.Parameters.AddWithValue("$number", caseNumber);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "DataGateway";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
