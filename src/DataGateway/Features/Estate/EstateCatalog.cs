using System.Collections.Frozen;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Estate;

/// <summary>Where a category's answers go in the report.</summary>
internal enum EstateSection
{
    /// <summary>The death facts.</summary>
    Death,

    /// <summary>Records about the person: identity, kinship, wills.</summary>
    Record,

    /// <summary>The inventory of assets and debts.</summary>
    Inventory,
}

/// <summary>How an item's amounts count in its category's sums.</summary>
internal enum EstateValue
{
    /// <summary>Something the estate holds or is owed.</summary>
    Asset,

    /// <summary>Something the estate owes.</summary>
    Debt,

    /// <summary>Shown but not summed: a payout restating a balance already counted, a price paid, a monthly rate.</summary>
    None,
}

/// <summary>A category of the estate service: the items whose code has its group, e.g. EST-DEP-* are the deposits.</summary>
internal sealed record EstateCategoryInfo(string Code, string Group, string NameZh, string NameEn, EstateSection Section);

/// <summary>One estate item with the units that serve it, in catalog order.</summary>
internal sealed record EstateItemInfo(DataItemDefinition Item, EstateCategoryInfo Category, IReadOnlyList<UnitDefinition> Units)
{
    public string Code => Item.Code;
}

/// <summary>
/// The estate service's view of the catalog: its data items (code prefix <see cref="ItemPrefix"/>) by category, the
/// units serving each, and the rules that are the service's own — which items confirm a death, which name heirs,
/// which amounts are debts. Built once; <see cref="Problems"/> says what in the catalog does not fit these rules.
/// </summary>
internal sealed class EstateCatalog
{
    /// <summary>Every estate item's code starts with it: EST-&lt;GROUP&gt;-....</summary>
    public const string ItemPrefix = "EST-";

    /// <summary>
    /// The categories in report order. An item's category is the group in its code (EST-DEP-ACCOUNTS is in DEP). Survivor
    /// benefits are listed because families ask for them at the same time, though they are paid because of the death
    /// and are not part of the estate.
    /// </summary>
    public static IReadOnlyList<EstateCategoryInfo> Categories { get; } =
    [
        new("DEATH", "DEATH", "死亡", "Death", EstateSection.Death),
        new("IDENTITY", "ID", "身份与户籍", "Identity and household", EstateSection.Record),
        new("KINSHIP", "KIN", "亲属关系", "Kinship", EstateSection.Record),
        new("REAL_ESTATE", "RE", "不动产", "Real estate", EstateSection.Inventory),
        new("LAND", "LAND", "土地权利", "Land rights", EstateSection.Inventory),
        new("VEHICLES", "VEH", "车辆", "Vehicles", EstateSection.Inventory),
        new("DEPOSITS", "DEP", "存款", "Deposits", EstateSection.Inventory),
        new("WEALTH", "WEALTH", "理财、基金与保险", "Wealth products, funds and insurance", EstateSection.Inventory),
        new("SECURITIES", "SEC", "证券", "Securities", EstateSection.Inventory),
        new("PROVIDENT_FUND", "PF", "住房公积金", "Housing provident fund", EstateSection.Inventory),
        new("PENSION", "PENSION", "养老保险", "Pension insurance", EstateSection.Inventory),
        new("MEDICAL_INSURANCE", "MED", "医疗保险", "Medical insurance", EstateSection.Inventory),
        new("SURVIVOR_BENEFITS", "SURV", "遗属待遇（不属遗产）", "Survivor benefits (not part of the estate)", EstateSection.Inventory),
        new("TAX", "TAX", "税务", "Tax", EstateSection.Inventory),
        new("BUSINESS", "EQUITY", "经营主体与股权", "Businesses and equity", EstateSection.Inventory),
        new("DEBTS", "DEBT", "债务与诉讼", "Debts, judgments and lawsuits", EstateSection.Inventory),
        new("WILLS", "WILL", "遗嘱与公证", "Wills and notarial records", EstateSection.Record),
    ];

    /// <summary>
    /// Items whose record confirms a death (the death gate): the medical death certificate, the police death
    /// certificate, household deregistration, cremation and a court's declaration of death. Funeral services and burial
    /// follow a death but are not proof of it.
    /// </summary>
    public static IReadOnlyList<string> DeathEvidence { get; } =
    [
        "EST-DEATH-MEDICAL-CERT", "EST-DEATH-POLICE-CERT", "EST-DEATH-HOUSEHOLD-DEREG", "EST-DEATH-CREMATION", "EST-DEATH-COURT-DECLARATION",
    ];

    /// <summary>The kinship items whose records are relatives of one relationship (the unit contract's convention).</summary>
    public static IReadOnlyDictionary<string, EstateRelationship> RelativeItems { get; } = new Dictionary<string, EstateRelationship>(StringComparer.Ordinal)
    {
        ["EST-KIN-SPOUSE"] = EstateRelationship.Spouse,
        ["EST-KIN-CHILDREN"] = EstateRelationship.Child,
        ["EST-KIN-PARENTS"] = EstateRelationship.Parent,
        ["EST-KIN-SIBLINGS"] = EstateRelationship.Sibling,
        ["EST-KIN-GRANDPARENTS"] = EstateRelationship.Grandparent,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The deposit accounts: balances small enough may be paid without a notarisation.</summary>
    public const string DepositAccounts = "EST-DEP-ACCOUNTS";

    /// <summary>Titles held jointly with the spouse: half is the spouse's.</summary>
    public const string RealEstateCoOwners = "EST-RE-CO-OWNERS";

    private static readonly FrozenSet<string> Debts = new[]
    {
        "EST-DEBT-JUDGMENTS", "EST-DEBT-ENFORCEMENT", "EST-DEBT-PENDING-LAWSUITS", "EST-DEBT-BANK-LOANS", "EST-DEBT-CREDIT-CARDS",
        "EST-DEBT-NOTARISED-CLAIMS", "EST-DEBT-MEDIATION", "EST-DEBT-ENV-PENALTIES", "EST-TAX-ARREARS", "EST-PF-LOAN",
        "EST-PENSION-OVERPAID", "EST-VEH-VIOLATIONS",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Payouts restate a balance counted under the account; a guarantee is owed only if the borrower defaults; the rest
    // are prices paid, withdrawals made or monthly rates, not values held.
    private static readonly FrozenSet<string> NotSummed = new[]
    {
        "EST-PENSION-ACCOUNT-PAYOUT", "EST-MED-ACCOUNT-PAYOUT", "EST-DEBT-GUARANTEES", "EST-RE-CONTRACTS", "EST-PF-WITHDRAWAL",
        "EST-TAX-PROPERTY", "EST-SURV-SUBSISTENCE", "EST-SURV-ELDERLY-ALLOWANCE", "EST-SURV-DEPENDANT-RELIEF",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, EstateItemInfo> _byCode;
    private readonly UnitCatalog _catalog;

    public EstateCatalog(UnitCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        var problems = new List<string>();
        var groups = Categories.ToDictionary(c => c.Group, StringComparer.Ordinal);
        var items = new List<EstateItemInfo>();
        foreach (var item in catalog.DataItems.Where(i => i.Code.StartsWith(ItemPrefix, StringComparison.Ordinal)))
        {
            var group = item.Code.Split('-') is { Length: >= 3 } parts ? parts[1] : string.Empty;
            if (!groups.TryGetValue(group, out var category))
            {
                problems.Add($"data item '{item.Code}': group '{group}' is not an estate category ({string.Join(", ", groups.Keys)})");
                continue;
            }

            items.Add(new EstateItemInfo(item, category, [.. catalog.Units.Where(u => u.DataItems.Contains(item.Code))]));
        }

        foreach (var code in DeathEvidence.Concat(RelativeItems.Keys).Append(DepositAccounts))
        {
            if (!items.Exists(i => i.Code == code))
            {
                problems.Add($"data item '{code}', which the estate service relies on, is not in the catalog");
            }
        }

        Items = items;
        _byCode = items.ToFrozenDictionary(i => i.Code, StringComparer.Ordinal);
        Problems = problems;
    }

    /// <summary>Every estate item, in catalog order.</summary>
    public IReadOnlyList<EstateItemInfo> Items { get; }

    /// <summary>What in the catalog does not fit the estate service's rules; empty when it can run.</summary>
    public IReadOnlyList<string> Problems { get; }

    public bool TryGet(string code, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out EstateItemInfo item) =>
        _byCode.TryGetValue(code, out item);

    /// <summary>The items a caller with <paramref name="roles"/> may be given: their roles grant them (never a not-shared item).</summary>
    public IReadOnlyList<EstateItemInfo> GrantedTo(IReadOnlyCollection<string> roles) =>
        [.. Items.Where(i => i.Item.SharingClass != SharingClass.NotShared && i.Item.Roles.Any(roles.Contains))];

    /// <summary>The units with these ids, in catalog order.</summary>
    public IReadOnlyList<UnitDefinition> UnitsInCatalogOrder(IReadOnlySet<string> unitIds) =>
        [.. _catalog.Units.Where(u => unitIds.Contains(u.Id))];

    public static EstateValue ValueOf(string code) =>
        Debts.Contains(code) ? EstateValue.Debt : NotSummed.Contains(code) ? EstateValue.None : EstateValue.Asset;
}
