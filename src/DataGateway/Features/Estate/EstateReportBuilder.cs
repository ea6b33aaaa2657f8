using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Features.Units;
using DataGateway.Domain.Subjects;

namespace DataGateway.Features.Estate;

/// <summary>One item asked: what every unit serving it answered, in catalog order.</summary>
internal sealed record ItemOutcome(EstateItemInfo Info, IReadOnlyList<EstateItemAnswer> Answers)
{
    public string Code => Info.Code;

    /// <summary>Every unit asked answered (OK or NOT_FOUND).</summary>
    public bool Answered => Answers.All(a => a.Status is UnitStatus.Ok or UnitStatus.NotFound);

    public int RecordCount => Answers.Sum(a => a.Assets.Count);

    /// <summary>Per-status counts, e.g. "OK=1 NOT_FOUND=23", for the audit trail.</summary>
    public string Tally() => UnitStatusNames.Tally(Answers.Select(a => a.Status));

    /// <summary>Splits units' answers into one answer per (item, unit); a unit's records of items it was not asked are dropped.</summary>
    public static List<ItemOutcome> From(IReadOnlyList<EstateItemInfo> items, IReadOnlyList<UnitAnswer> unitAnswers)
    {
        var byUnit = unitAnswers.ToDictionary(a => a.UnitId, StringComparer.Ordinal);
        var outcomes = new List<ItemOutcome>(items.Count);
        foreach (var info in items)
        {
            var answers = new List<EstateItemAnswer>(info.Units.Count);
            foreach (var unit in info.Units)
            {
                var unitAnswer = byUnit[unit.Id];
                var answer = new EstateItemAnswer
                {
                    DataItem = info.Code,
                    ItemName = info.Item.NameZh,
                    UnitId = unit.Id,
                    UnitName = unit.Name,
                    FromCache = unitAnswer.FromCache,
                };
                if (unitAnswer.Status is UnitStatus.Ok or UnitStatus.NotFound)
                {
                    // The same Asset instances as the unit's answer, which the cache may share: never changed, only added.
                    answer.Assets.Add(unitAnswer.Assets.Where(a => a.DataItem == info.Code));
                    answer.Status = answer.Assets.Count > 0 ? UnitStatus.Ok : UnitStatus.NotFound;
                }
                else
                {
                    answer.Status = unitAnswer.Status;
                    answer.Detail = unitAnswer.Detail;
                }

                answers.Add(answer);
            }

            outcomes.Add(new ItemOutcome(info, answers));
        }

        return outcomes;
    }
}

/// <summary>Puts the answers of an inquiry together into its report. Pure: no clock, no I/O.</summary>
internal static class EstateReportBuilder
{
    /// <summary>The attribute a death record gives the date of death in (the unit contract's convention).</summary>
    public const string DiedOnAttribute = "diedOn";

    public static EstateDeathFacts Death(IReadOnlyList<ItemOutcome> deathOutcomes)
    {
        var facts = new EstateDeathFacts();
        foreach (var outcome in deathOutcomes)
        {
            var found = outcome.Answers.Where(a => a.Status == UnitStatus.Ok).ToList();
            facts.Records.Add(found);
            if (found.Count > 0 && EstateCatalog.DeathEvidence.Contains(outcome.Code))
            {
                facts.ConfirmedBy.Add(outcome.Code);
            }
        }

        var dates = facts.Records
            .SelectMany(r => r.Assets)
            .Select(a => a.Attributes.TryGetValue(DiedOnAttribute, out var text)
                && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : (DateOnly?)null)
            .OfType<DateOnly>()
            .Distinct()
            .Order()
            .ToList();
        if (dates.Count > 0)
        {
            facts.DiedOn = dates[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            facts.DatesDisagree = dates.Count > 1;
        }

        return facts;
    }

    /// <summary>The relatives in the kinship answers, with their identity numbers in canonical form.</summary>
    public static IEnumerable<FoundRelative> Relatives(IReadOnlyList<ItemOutcome> kinshipOutcomes)
    {
        foreach (var outcome in kinshipOutcomes)
        {
            if (!EstateCatalog.RelativeItems.TryGetValue(outcome.Code, out var relationship))
            {
                continue;
            }

            foreach (var answer in outcome.Answers.Where(a => a.Status == UnitStatus.Ok))
            {
                foreach (var record in answer.Assets)
                {
                    var deceased = record.Attributes.TryGetValue("status", out var status) && status == "DECEASED";
                    yield return new FoundRelative(record.Reference.ToUpperInvariant(), relationship, deceased, record, answer.UnitId);
                }
            }
        }
    }

    public static EstateReport Build(
        string inquiryId,
        EstateInquiry inquiry,
        string notary,
        EstateDeathFacts death,
        IReadOnlyList<EstateHeir> heirs,
        IReadOnlyList<ItemOutcome> outcomes,
        EstateCatalog catalog,
        decimal smallDepositLimitYuan,
        DateTimeOffset createdAt,
        int elapsedMs)
    {
        var report = new EstateReport
        {
            InquiryId = inquiryId,
            NotarialFileNumber = inquiry.File.ToString(),
            NotaryOffice = inquiry.File.OfficeCode,
            Notary = notary,
            Deceased = new Subject { IdNumber = Masking.MaskIdNumber(inquiry.DeceasedId), Name = inquiry.DeceasedName },
            Applicant = new EstateApplicant
            {
                IdNumber = Masking.MaskIdNumber(inquiry.ApplicantId),
                Name = inquiry.ApplicantName,
                Relationship = inquiry.Relationship,
            },
            Death = death,
            CreatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(createdAt),
            ElapsedMs = elapsedMs,
        };
        report.Heirs.Add(heirs);

        var byCode = outcomes.ToDictionary(o => o.Code, StringComparer.Ordinal);
        foreach (var category in EstateCatalog.Categories.Where(c => c.Section != EstateSection.Death))
        {
            var inCategory = outcomes.Where(o => o.Info.Category == category).ToList();
            var found = inCategory.SelectMany(o => o.Answers).Where(a => a.Status == UnitStatus.Ok).ToList();
            if (found.Count == 0)
            {
                continue;
            }

            var section = new EstateCategory
            {
                Code = category.Code,
                NameZh = category.NameZh,
                NameEn = category.NameEn,
                RecordCount = found.Sum(a => a.Assets.Count),
                AssetsYuan = Sum(found, EstateValue.Asset),
                DebtsYuan = Sum(found, EstateValue.Debt),
            };
            section.Answers.Add(found);
            section.Notes.Add(Notes(category, found, smallDepositLimitYuan));
            (category.Section == EstateSection.Inventory ? report.Inventory : report.Records).Add(section);
        }

        report.Unanswered.Add(outcomes.SelectMany(o => o.Answers).Where(a => a.Status is not (UnitStatus.Ok or UnitStatus.NotFound)));

        foreach (var info in catalog.Items)
        {
            var summary = new EstateItemSummary
            {
                DataItem = info.Code,
                NameZh = info.Item.NameZh,
                NameEn = info.Item.NameEn,
                Category = info.Category.Code,
                SharingClass = info.Item.SharingClass.ToString(),
            };
            if (byCode.TryGetValue(info.Code, out var outcome))
            {
                summary.UnitsAsked = outcome.Answers.Count;
                summary.UnitsAnswered = outcome.Answers.Count(a => a.Status is UnitStatus.Ok or UnitStatus.NotFound);
                summary.RecordCount = outcome.RecordCount;
                summary.Status = outcome.RecordCount > 0 ? UnitStatus.Ok
                    : outcome.Answered ? UnitStatus.NotFound
                    : outcome.Answers.First(a => a.Status is not (UnitStatus.Ok or UnitStatus.NotFound)).Status;
            }
            else
            {
                summary.Status = UnitStatus.Denied;
            }

            report.Items.Add(summary);
        }

        var asked = outcomes.Count;
        var answered = outcomes.Count(o => o.Answered);
        var pairs = outcomes.Sum(o => o.Answers.Count);
        var received = outcomes.Sum(o => o.Answers.Count(a => a.Status is UnitStatus.Ok or UnitStatus.NotFound));
        report.Coverage = new EstateCoverage
        {
            ItemsAsked = asked,
            ItemsAnswered = answered,
            ItemRatio = asked == 0 ? 0 : Math.Round((double)answered / asked, 4),
            AnswersAsked = pairs,
            AnswersReceived = received,
            AnswerRatio = pairs == 0 ? 0 : Math.Round((double)received / pairs, 4),
            ItemsNotGranted = catalog.Items.Count - asked,
        };
        return report;
    }

    private static string Sum(IEnumerable<EstateItemAnswer> answers, EstateValue value)
    {
        var total = 0m;
        foreach (var answer in answers.Where(a => EstateCatalog.ValueOf(a.DataItem) == value))
        {
            foreach (var asset in answer.Assets)
            {
                if (decimal.TryParse(asset.AmountYuan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
                {
                    total += yuan;
                }
            }
        }

        return total.ToString("F2", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> Notes(EstateCategoryInfo category, IReadOnlyList<EstateItemAnswer> found, decimal smallDepositLimitYuan)
    {
        switch (category.Code)
        {
            case "DEPOSITS":
                var small = found
                    .Where(a => a.DataItem == EstateCatalog.DepositAccounts)
                    .SelectMany(a => a.Assets)
                    .Count(a => decimal.TryParse(a.AmountYuan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan) && yuan <= smallDepositLimitYuan);
                if (small > 0)
                {
                    yield return string.Create(CultureInfo.InvariantCulture,
                        $"{small} 个存款账户余额不超过 {smallDepositLimitYuan:F2} 元，银行可凭死亡证明和亲属关系证明向配偶、父母、子女支付，无需办理继承公证（小额存款提取）。{small} deposit account(s) hold at most {smallDepositLimitYuan:F2} yuan: a bank may pay such a balance to the spouse, parents or children without an inheritance notarisation.");
                }

                break;
            case "REAL_ESTATE":
                if (found.Any(a => a.DataItem == EstateCatalog.RealEstateCoOwners))
                {
                    yield return "与配偶共同共有的不动产，其中一半为配偶的夫妻共同财产份额，不属遗产。Titles held jointly with the spouse: half is the spouse's share of the marital property, not part of the estate.";
                }

                break;
            case "SURVIVOR_BENEFITS":
                yield return "丧葬补助金、抚恤金等因死亡发给遗属，不属遗产。Funeral grant and survivor pension are paid to the family because of the death; they are not part of the estate.";
                break;
            case "WILLS":
                if (found.Any(a => a.DataItem == "EST-WILL-NOTARISED" || a.DataItem == "EST-WILL-DEPOSITED"))
                {
                    yield return "被继承人留有登记的遗嘱：遗嘱内容不经本平台共享，由保管遗嘱的公证处在继承人到场时开启。A will is registered: its content is not shared through the gateway; the office holding it opens it with the heirs present.";
                }

                break;
        }
    }
}
