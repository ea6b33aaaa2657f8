using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;

namespace DataGateway.Bench;

/// <summary>
/// Who the bench is (a judge of the Shangyu court, the court's case system, a notary of the Shangyu office: development
/// tokens) and whom it asks about: synthetic debtors with valid resident IDs, registered as parties of the bench's own
/// cases through PUT /v1/cases (gRPC PutCase) with the court-system token.
/// </summary>
internal sealed class BenchIdentities
{
    public const string Court = "浙0604";
    public const string JudgeId = "bench-judge";
    public const string NotaryOffice = "浙绍上";

    /// <summary>The case of every single-query scenario; its debtors are <see cref="Subject"/>(0 .. CaseSubjects-1).</summary>
    public const string MainCase = "(2025)浙0604执9001号";

    public const int CaseSubjects = 200;

    /// <summary>A case holds at most 200 parties, so a batch of 10,000 debtors spans 50 cases.</summary>
    public const int BatchCaseFirstSequence = 9101;

    private readonly DevelopmentAuthSettings _auth = DevelopmentAuthSettings.Load(Path.Combine(UnitCatalog.DefaultDirectory, "development-auth.json"));
    private int _batchCasesRegistered;
    private bool _mainRegistered;

    public BenchIdentities()
    {
        var lifetime = TimeSpan.FromHours(12);
        JudgeToken = Issue(new DevelopmentTokenRequest { Subject = JudgeId, Roles = [Roles.Judge], CourtCode = Court, Lifetime = lifetime });
        CourtSystemToken = Issue(new DevelopmentTokenRequest { Subject = "bench-court-system", Roles = [Roles.CourtSystem], Lifetime = lifetime });
        NotaryToken = Issue(new DevelopmentTokenRequest { Subject = "bench-notary", Roles = [Roles.Notary], NotaryOffice = NotaryOffice, Lifetime = lifetime });
    }

    public string JudgeToken { get; }

    public string CourtSystemToken { get; }

    public string NotaryToken { get; }

    /// <summary>The case number of batch case <paramref name="index"/> (0-based).</summary>
    public static string BatchCase(int index) => $"(2025)浙0604执{BatchCaseFirstSequence + index}号";

    /// <summary>
    /// Synthetic debtor <paramref name="index"/>: address code 330604, a birth date and sequence drawn from the index,
    /// and the GB 11643 check character. Distinct for indexes below 9,000,000.
    /// </summary>
    public static Subject Subject(int index)
    {
        var birth = new DateOnly(1960, 1, 1).AddDays(index / 500);
        var sequence = (index % 500 * 2) + 1;
        var body = "330604" + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence.ToString("000", CultureInfo.InvariantCulture);
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (body[i] - '0') * weights[i];
        }

        return new Subject { IdNumber = body + "10X98765432"[sum % 11], Name = "测试债务人" + index.ToString(CultureInfo.InvariantCulture) };
    }

    /// <summary>The gateway was restarted with an empty store: cases must be registered again.</summary>
    public void Forget()
    {
        _mainRegistered = false;
        _batchCasesRegistered = 0;
    }

    public async Task EnsureRegisteredAsync(BenchStack stack, CancellationToken cancellationToken)
    {
        if (_mainRegistered)
        {
            return;
        }

        await PutCaseAsync(stack, MainCase, 0, CaseSubjects, cancellationToken);
        _mainRegistered = true;
    }

    /// <summary>Registers the first <paramref name="cases"/> batch cases, each with 200 debtors.</summary>
    public async Task EnsureBatchCasesAsync(BenchStack stack, int cases, CancellationToken cancellationToken)
    {
        for (var i = _batchCasesRegistered; i < cases; i++)
        {
            await PutCaseAsync(stack, BatchCase(i), BatchSubjectIndex(i * CaseSubjects), CaseSubjects, cancellationToken);
            _batchCasesRegistered = i + 1;
        }
    }

    /// <summary>The subject index of batch row <paramref name="row"/>; kept apart from the single-query subjects.</summary>
    public static int BatchSubjectIndex(int row) => 100_000 + row;

    private async Task PutCaseAsync(BenchStack stack, string caseNumber, int firstSubject, int count, CancellationToken cancellationToken)
    {
        var client = new CaseRegistryService.CaseRegistryServiceClient(stack.GatewayChannel);
        var request = new PutCaseRequest
        {
            CaseNumber = caseNumber,
            CourtCode = Court,
            Officers = { JudgeId },
            State = CaseState.Open,
            RegisteredOn = "2025-01-06",
        };
        for (var i = 0; i < count; i++)
        {
            var subject = Subject(firstSubject + i);
            request.Parties.Add(new CaseParty { Role = PartyRole.Debtor, Name = subject.Name, IdNumber = subject.IdNumber });
        }

        await client.PutCaseAsync(request, BenchStack.Bearer(CourtSystemToken), cancellationToken: cancellationToken);
    }

    private string Issue(DevelopmentTokenRequest request) => DevelopmentTokenIssuer.Issue(_auth, request, TimeProvider.System);
}
