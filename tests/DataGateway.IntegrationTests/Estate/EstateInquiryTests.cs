using System.Net;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;
using Grpc.Core;
using static DataGateway.IntegrationTests.Estate.EstateTesting;

namespace DataGateway.IntegrationTests.Estate;

/// <summary>A notary's estate inquiry: death gate, heirs, the inventory, and what a unit's failure does to it.</summary>
public sealed class EstateInquiryTests
{
    [Fact]
    public async Task Create_DeceasedPersona_ReportHasTheDeathHeirsAndAssetsInEightCategories()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(NotaryToken);

        using var response = await PostAsync(client, ForDeceased());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await ReportOf(response);
        Assert.False(string.IsNullOrEmpty(report.InquiryId));
        Assert.Equal((FileNumber, Office, "notary-zhou"), (report.NotarialFileNumber, report.NotaryOffice, report.Notary));

        Assert.Equal(Deceased.DiedOn!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), report.Death.DiedOn);
        Assert.Contains("EST-DEATH-CREMATION", report.Death.ConfirmedBy);
        Assert.Contains("EST-DEATH-HOUSEHOLD-DEREG", report.Death.ConfirmedBy);
        Assert.False(report.Death.DatesDisagree);

        // Spouse and two children inherit; the parents, long dead, are listed but do not.
        var inheriting = report.Heirs.Where(h => h.Inherits).ToList();
        Assert.Equal(
            Deceased.Heirs.Select(h => h.Name).Order(),
            inheriting.Select(h => h.Name).Order());
        Assert.All(inheriting, h => Assert.Equal(1, h.Order));
        Assert.Equal(EstateRelationship.Spouse, Assert.Single(report.Heirs, h => h.Applicant).Relationship);
        Assert.Equal(2, report.Heirs.Count(h => h.Relationship == EstateRelationship.Parent && h.Deceased && !h.Inherits));

        var withRecords = report.Inventory.Where(c => c.RecordCount > 0).Select(c => c.Code).ToList();
        Assert.True(withRecords.Count >= 8, "inventory in only " + string.Join(", ", withRecords));
        Assert.Superset(new HashSet<string> { "REAL_ESTATE", "VEHICLES", "DEPOSITS", "SECURITIES", "PROVIDENT_FUND", "PENSION" }, withRecords.ToHashSet());
        Assert.All(report.Inventory.SelectMany(c => c.Answers), a =>
        {
            Assert.Equal(UnitStatus.Ok, a.Status);
            Assert.NotEmpty(a.Assets);
            Assert.True(GatewayTestHost.Catalog.TryGetUnit(a.UnitId, out var unit), a.UnitId);
            Assert.Equal(unit.Name, a.UnitName);
            Assert.All(a.Assets, asset => Assert.Equal(a.DataItem, asset.DataItem));
        });
        Assert.NotEqual("0.00", report.Inventory.Single(c => c.Code == "DEPOSITS").AssetsYuan);
        Assert.Contains(report.Records, c => c.Code == "KINSHIP");
        Assert.Equal(107, report.Items.Count);
        Assert.Empty(report.Unanswered);
    }

    [Fact]
    public async Task Create_LivingPerson_FailedPreconditionAndNoUnitButTheDeathRegistersIsAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var living = GatewayTestHost.Personas.WithTag("debtor");
        var request = Request(living.IdNumber!, living.Name, Spouse.IdNumber, Spouse.Name, EstateRelationship.Spouse);

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Estate(NotaryToken).CreateEstateInquiryAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith("deceased: the death is not confirmed", error.Status.Detail, StringComparison.Ordinal);
        var called = UnitsCalled(host);
        Assert.NotEmpty(called);
        Assert.All(called, unitId => Assert.Contains(unitId, DeathUnits));
        Assert.All(GatewayTestHost.Catalog.Units.Where(u => !DeathUnits.Contains(u.Id)), u => Assert.Equal(0, host.Simulator.Stats.CallsTo(u.Id)));
    }

    [Fact]
    public async Task Create_ApplicantWhoIsNotAnHeir_PermissionDeniedAndNoAssetUnitIsAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var stranger = GatewayTestHost.Personas.WithTag("debtor");
        var request = Request(Deceased.IdNumber!, Deceased.Name, stranger.IdNumber!, stranger.Name, EstateRelationship.Child);

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Estate(NotaryToken).CreateEstateInquiryAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith("applicant: the applicant is not among the relatives", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(stranger.IdNumber!, error.Status.Detail, StringComparison.Ordinal);
        Assert.All(UnitsCalled(host), unitId => Assert.True(DeathUnits.Contains(unitId) || KinshipUnits.Contains(unitId), unitId));
        Assert.Equal(0, host.Simulator.Stats.CallsTo("realestate-registry"));
        Assert.All(GatewayTestHost.Catalog.UnitsOf(UnitKind.Bank), bank => Assert.Equal(0, host.Simulator.Stats.CallsTo(bank.Id)));
    }

    [Fact]
    public async Task Create_HeirClaimingTheWrongRelationship_PermissionDeniedNamingWhatTheRegistersSay()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var child = Deceased.Heirs.First(h => h.Relationship == "child");
        var request = Request(Deceased.IdNumber!, Deceased.Name, child.IdNumber, child.Name, EstateRelationship.Spouse);

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Estate(NotaryToken).CreateEstateInquiryAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("applicant: the registers record the applicant as child of the deceased, not spouse", error.Status.Detail);
    }

    [Fact]
    public async Task Create_OneBankDown_ReportStillComesWithThatBanksItemsUnavailable()
    {
        await using var host = await GatewayTestHost.StartAsync();
        host.Simulator.Behaviours.SetFault("bank-icbc", new UnitFault { Mode = FaultMode.Down });

        var report = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        var bankItems = GatewayTestHost.Catalog.Units.Single(u => u.Id == "bank-icbc").DataItems.Where(c => c.StartsWith("EST-", StringComparison.Ordinal)).ToList();
        Assert.Equal(bankItems.Order(), report.Unanswered.Select(a => a.DataItem).Order());
        Assert.All(report.Unanswered, a =>
        {
            Assert.Equal(("bank-icbc", UnitStatus.Unavailable), (a.UnitId, a.Status));
            Assert.False(string.IsNullOrEmpty(a.Detail));
        });
        Assert.All(report.Items.Where(i => bankItems.Contains(i.DataItem)), i => Assert.Equal(i.UnitsAsked - 1, i.UnitsAnswered));
        Assert.True(report.Inventory.Count(c => c.RecordCount > 0) >= 8);
        Assert.NotEmpty(report.Heirs);
    }

    [Fact]
    public async Task Create_AllUnitsUpAndOneDown_CoverageCountsItemsAndUnitAnswers()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = host.Estate(NotaryToken);
        var expectedAnswers = GrantedItems.Sum(i => GatewayTestHost.Catalog.Units.Count(u => u.DataItems.Contains(i.Code)));
        var icbcItems = GatewayTestHost.Catalog.Units.Single(u => u.Id == "bank-icbc").DataItems.Count(c => c.StartsWith("EST-", StringComparison.Ordinal));

        var whole = (await client.CreateEstateInquiryAsync(ForDeceased())).Report.Coverage;
        host.Simulator.Behaviours.SetFault("bank-icbc", new UnitFault { Mode = FaultMode.Down });
        var again = ForDeceased();
        again.Fresh = true;
        var partial = (await client.CreateEstateInquiryAsync(again)).Report.Coverage;

        Assert.Equal((GrantedItems.Count, GrantedItems.Count, 1.0), (whole.ItemsAsked, whole.ItemsAnswered, whole.ItemRatio));
        Assert.Equal((expectedAnswers, expectedAnswers, 1.0), (whole.AnswersAsked, whole.AnswersReceived, whole.AnswerRatio));
        Assert.Equal(107 - GrantedItems.Count, whole.ItemsNotGranted);

        Assert.Equal((GrantedItems.Count, GrantedItems.Count - icbcItems), (partial.ItemsAsked, partial.ItemsAnswered));
        Assert.Equal(Math.Round((double)(GrantedItems.Count - icbcItems) / GrantedItems.Count, 4), partial.ItemRatio);
        Assert.Equal((expectedAnswers, expectedAnswers - icbcItems), (partial.AnswersAsked, partial.AnswersReceived));
        Assert.Equal(Math.Round((double)(expectedAnswers - icbcItems) / expectedAnswers, 4), partial.AnswerRatio);
    }

    [Fact]
    public async Task Create_Report_MasksAccountAndIdentityNumbersAboveTheNotarysLevel()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var report = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        // L4 deposits: account numbers masked to their first and last four; the balance is shown.
        var deposits = report.Inventory.Single(c => c.Code == "DEPOSITS").Answers.Where(a => a.DataItem == "EST-DEP-ACCOUNTS").SelectMany(a => a.Assets).ToList();
        Assert.NotEmpty(deposits);
        Assert.All(deposits, d =>
        {
            Assert.Matches(@"^\d{4}\*+\d{4}$", d.Reference);
            Assert.Matches(@"^\d+\.\d{2}$", d.AmountYuan);
        });

        // L3 titles: in full, exactly as the registry holds them.
        var titles = report.Inventory.Single(c => c.Code == "REAL_ESTATE").Answers.Single(a => a.DataItem == "EST-RE-UNITS").Assets;
        Assert.All(titles, t => Assert.Matches(@"^浙\(\d{4}\)绍兴市上虞区不动产权第\d{7}号$", t.Reference));

        // Relatives' identity numbers (L4) and the deceased's and applicant's as echoed: masked.
        Assert.All(report.Heirs, h => Assert.Contains('*', h.Record.Reference));
        Assert.DoesNotContain(report.Heirs, h => Deceased.Heirs.Any(x => h.Record.Reference == x.IdNumber));
        Assert.Equal(18, report.Deceased.IdNumber.Length);
        Assert.Contains("********", report.Deceased.IdNumber, StringComparison.Ordinal);
        Assert.Contains("********", report.Applicant.IdNumber, StringComparison.Ordinal);
        var json = Google.Protobuf.JsonFormatter.Default.Format(report);
        Assert.DoesNotContain(Deceased.IdNumber!, json, StringComparison.Ordinal);
        Assert.All(Deceased.Heirs, h => Assert.DoesNotContain(h.IdNumber, json, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_NotSharedItems_AreNeverAskedAndListedAsDenied()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var report = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        var denied = report.Items.Where(i => i.Status == UnitStatus.Denied).ToList();
        Assert.Equal(
            GatewayTestHost.Catalog.DataItems.Where(i => i.SharingClass == SharingClass.NotShared && i.Code.StartsWith("EST-", StringComparison.Ordinal)).Select(i => i.Code),
            denied.Select(i => i.DataItem));
        Assert.All(denied, i => Assert.Equal((0, "NotShared"), (i.UnitsAsked, i.SharingClass)));
        Assert.DoesNotContain(report.Inventory.Concat(report.Records).SelectMany(c => c.Answers), a => denied.Any(d => d.DataItem == a.DataItem));
    }

    [Fact]
    public async Task Create_OverRestAndGrpc_SameReportContent()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(NotaryToken);

        using var rest = await PostAsync(client, ForDeceased());
        var restReport = await ReportOf(rest);
        var grpcReport = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        Assert.NotEqual(restReport.InquiryId, grpcReport.InquiryId);
        Assert.Equal(restReport.Heirs, grpcReport.Heirs);
        Assert.Equal(restReport.Inventory.Select(c => (c.Code, c.RecordCount, c.AssetsYuan, c.DebtsYuan)), grpcReport.Inventory.Select(c => (c.Code, c.RecordCount, c.AssetsYuan, c.DebtsYuan)));
        Assert.Equal(restReport.Inventory.SelectMany(c => c.Answers).SelectMany(a => a.Assets), grpcReport.Inventory.SelectMany(c => c.Answers).SelectMany(a => a.Assets));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("0", false)]
    public async Task Create_SmallDeposits_NotedUnderTheConfiguredLimit(string? limit, bool noted)
    {
        // The deceased persona's accounts at two banks include balances of a few yuan (see the simulator's draw).
        var settings = new Dictionary<string, string?> { ["Estate:SmallDepositLimitYuan"] = limit };
        await using var host = await GatewayTestHost.StartAsync(settings: limit is null ? null : settings);

        var report = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        var notes = report.Inventory.Single(c => c.Code == "DEPOSITS").Notes;
        Assert.Equal(noted, notes.Any(n => n.Contains("小额存款提取", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Create_RestFieldNamesInJson_AreCamelCase()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(NotaryToken);

        using var response = await PostAsync(client, ForDeceased());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var report = json.RootElement.GetProperty("report");
        Assert.Equal(FileNumber, report.GetProperty("notarialFileNumber").GetString());
        Assert.True(report.GetProperty("coverage").GetProperty("itemRatio").GetDouble() > 0.99);
        Assert.Equal("ESTATE_RELATIONSHIP_SPOUSE", report.GetProperty("applicant").GetProperty("relationship").GetString());
    }
}
