using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Subjects;
using DataGateway.Simulator.Units;

namespace DataGateway.Simulator.Synthetic;

/// <summary>Draws one realistic asset of a given kind (shapes from DOMAIN.md).</summary>
internal static class AssetFactory
{
    public const string Mortgaged = "MORTGAGED";
    public const string Sealed = "SEALED";
    public const string Objection = "OBJECTION";
    public const string Locked = "LOCKED";
    public const string Frozen = "FROZEN";

    private const string CodeAlphabet = UnifiedSocialCreditCode.Alphabet;

    private static readonly DateOnly Epoch2000 = new(2000, 1, 1);

    private static readonly (string Model, string Type, Energy Energy)[] Vehicles =
    [
        ("大众朗逸", "小型轿车", Energy.Petrol), ("丰田卡罗拉", "小型轿车", Energy.Petrol),
        ("本田雅阁", "小型轿车", Energy.Petrol), ("日产轩逸", "小型轿车", Energy.Petrol),
        ("吉利帝豪", "小型轿车", Energy.Petrol), ("别克英朗", "小型轿车", Energy.Petrol),
        ("哈弗H6", "小型普通客车", Energy.Petrol), ("长安CS75", "小型普通客车", Energy.Petrol),
        ("宝马5系", "小型轿车", Energy.Petrol), ("奥迪A6L", "小型轿车", Energy.Petrol),
        ("比亚迪秦PLUS DM-i", "小型轿车", Energy.PlugInHybrid), ("理想L7", "小型普通客车", Energy.PlugInHybrid),
        ("比亚迪海豚", "小型轿车", Energy.Electric), ("特斯拉Model 3", "小型轿车", Energy.Electric),
        ("五菱宏光MINIEV", "微型轿车", Energy.Electric), ("蔚来ES6", "小型普通客车", Energy.Electric),
        ("五菱荣光", "小型普通客车", Energy.Petrol), ("江铃顺达", "轻型厢式货车", Energy.Diesel),
    ];

    private static readonly string[] WealthProducts =
    [
        "稳盈增利182天", "天天鑫1号", "季季享A款", "安心悦享一年期", "鑫福利3号", "添利宝", "月月盈周期型", "惠享固收增强",
    ];

    private static readonly string[] Brokers =
    [
        "财通证券绍兴上虞营业部", "浙商证券绍兴上虞营业部", "中信证券绍兴营业部", "国泰君安证券绍兴营业部",
    ];

    private static readonly string[] Violations =
    [
        "超标排放水污染物", "未按规定贮存危险废物", "未批先建", "未验先投", "废气无组织排放", "未按规定运行污染防治设施",
        "噪声超标排放",
    ];

    private enum Energy
    {
        Petrol,
        Diesel,
        Electric,
        PlugInHybrid,
    }

    /// <summary>Chance that a random subject holds something of <paramref name="assetKind"/> at one unit answering it.</summary>
    public static double HoldingChance(string assetKind, bool organisation) => assetKind switch
    {
        "REAL_ESTATE" => organisation ? 0.45 : 0.30,
        "LAND_USE_RIGHT" => organisation ? 0.30 : 0.05,
        "VEHICLE" => organisation ? 0.35 : 0.25,
        "DEPOSIT" => organisation ? 0.30 : 0.15,
        "WEALTH_PRODUCT" => 0.05,
        "SECURITIES" => organisation ? 0.03 : 0.08,
        "PROVIDENT_FUND" => organisation ? 0 : 0.35,
        "SOCIAL_INSURANCE" => organisation ? 0 : 0.50,
        "BUSINESS_EQUITY" => organisation ? 0.20 : 0.06,
        "TAX" => organisation ? 0.25 : 0.08,
        "ENVIRONMENTAL_PENALTY" => organisation ? 0.06 : 0.005,
        _ => 0.10,
    };

    /// <summary>How many assets of <paramref name="assetKind"/> a holder has at one unit (at least one).</summary>
    public static int Count(ref SyntheticRandom rng, string assetKind)
    {
        var roll = rng.Next(100);
        return assetKind switch
        {
            "REAL_ESTATE" or "DEPOSIT" or "BUSINESS_EQUITY" => roll < 60 ? 1 : roll < 90 ? 2 : 3,
            "SECURITIES" => roll < 50 ? 1 : 2,
            "LAND_USE_RIGHT" or "VEHICLE" or "WEALTH_PRODUCT" or "TAX" or "ENVIRONMENTAL_PENALTY" => roll < 80 ? 1 : 2,
            _ => 1,
        };
    }

    /// <param name="index">The asset's position among the subject's assets of this kind at this unit.</param>
    public static Asset Create(ref SyntheticRandom rng, SimulatedUnit unit, ServedAssetKind kind, bool organisation, int index)
    {
        var asset = new Asset { AssetKind = kind.Code, DataItem = kind.DataItem };
        switch (kind.Code)
        {
            case "REAL_ESTATE": RealEstate(ref rng, asset, organisation); break;
            case "LAND_USE_RIGHT": LandUseRight(ref rng, asset, organisation); break;
            case "VEHICLE": Vehicle(ref rng, asset, organisation); break;
            case "DEPOSIT": Deposit(ref rng, asset, unit, organisation, index); break;
            case "WEALTH_PRODUCT": WealthProduct(ref rng, asset); break;
            case "SECURITIES": Securities(ref rng, asset, index); break;
            case "PROVIDENT_FUND": ProvidentFund(ref rng, asset); break;
            case "SOCIAL_INSURANCE": SocialInsurance(ref rng, asset); break;
            case "BUSINESS_EQUITY": BusinessEquity(ref rng, asset); break;
            case "TAX": Tax(ref rng, asset, organisation, index); break;
            case "ENVIRONMENTAL_PENALTY": EnvironmentalPenalty(ref rng, asset, organisation); break;
            default:
                asset.Reference = rng.Digits($"{unit.Id}-", 8);
                asset.Description = unit.Definition.Name;
                break;
        }

        return asset;
    }

    /// <summary>"12345.67" from cents: amounts travel as exact decimal strings, never floating point.</summary>
    public static string Yuan(long cents) =>
        string.Create(CultureInfo.InvariantCulture, $"{cents / 100}.{cents % 100:D2}");

    /// <summary>A unified social credit code (GB 32100) whose organisation code (GB 11714) and own check characters are valid.</summary>
    public static string CreditCode(ref SyntheticRandom rng)
    {
        Span<char> code = stackalloc char[18];
        "91".CopyTo(code);
        District.AddressCode.CopyTo(code[2..]);
        var body = code.Slice(8, 8);
        if (rng.Chance(0.4))
        {
            // Organisation codes issued since 2015 start "MA" and mix in letters.
            body[0] = 'M';
            body[1] = 'A';
            for (var i = 2; i < 8; i++)
            {
                body[i] = CodeAlphabet[rng.Next(CodeAlphabet.Length)];
            }
        }
        else
        {
            for (var i = 0; i < 8; i++)
            {
                body[i] = rng.Digit();
            }
        }

        code[16] = OrganisationCheck(body);
        code[17] = UnifiedSocialCreditCode.ComputeCheckCharacter(code);
        return new string(code);
    }

    private static void RealEstate(ref SyntheticRandom rng, Asset asset, bool organisation)
    {
        var town = rng.Next(District.Towns.Length);
        var use = organisation
            ? rng.Pick(["工业", "工业", "商业", "办公"])
            : rng.Pick(["住宅", "住宅", "住宅", "住宅", "住宅", "住宅", "车位", "商业"]);
        var rural = !organisation && use == "住宅" && town >= District.StreetCount && rng.Chance(0.5);
        var road = rng.Pick(District.Roads);
        var number = rng.Next(1, 300);
        string location;
        long areaHundredths;
        if (rural)
        {
            location = $"上虞区{District.Towns[town]}{rng.Pick(District.Villages)}村{number}号";
            areaHundredths = rng.NextInt64(9000, 32000);
        }
        else if (use == "住宅")
        {
            location = $"上虞区{District.Towns[town]}{road}{number}号{rng.Next(1, 30)}幢{rng.Next(1, 29)}{rng.Next(1, 5):D2}室";
            areaHundredths = rng.NextInt64(4500, 18000);
        }
        else if (use == "车位")
        {
            location = $"上虞区{District.Towns[town]}{road}{number}号地下车位B{rng.Next(1, 3)}-{rng.Next(1, 400):D3}";
            areaHundredths = rng.NextInt64(1200, 3000);
        }
        else
        {
            location = $"上虞区{District.Towns[town]}{road}{number}号";
            areaHundredths = organisation ? rng.NextInt64(20000, 2000000) : rng.NextInt64(3000, 30000);
        }

        var year = rng.Next(2016, 2025);
        asset.Reference = $"浙({year})绍兴市上虞区不动产权第{rng.Next(1, 50000):D7}号";
        asset.Description = location;
        asset.Attributes.Add("unitNumber", UnitNumber(ref rng, town, rural ? "JC" : "GB", 'F'));
        asset.Attributes.Add("areaM2", Yuan(areaHundredths));
        asset.Attributes.Add("use", use);
        asset.Attributes.Add("registeredOn", Date(rng.Date(new DateOnly(year, 1, 1), 365)));
        if (rng.Chance(0.35))
        {
            asset.Flags.Add(Mortgaged);
        }

        AddRareFlags(ref rng, asset);
    }

    private static void LandUseRight(ref SyntheticRandom rng, Asset asset, bool organisation)
    {
        var town = rng.Next(District.Towns.Length);
        var granted = organisation || rng.Chance(0.5);
        var year = rng.Next(2005, 2025);
        asset.Reference = year < 2016
            ? $"虞国用({year})第{rng.Next(1, 20000):D5}号"
            : $"浙({year})绍兴市上虞区不动产权第{rng.Next(1, 50000):D7}号";
        asset.Description = granted
            ? $"上虞区{District.Towns[town]}{rng.Pick(District.Roads)}{rng.Next(1, 300)}号地块"
            : $"上虞区{District.Towns[town]}{rng.Pick(District.Villages)}村地块";
        asset.Attributes.Add("unitNumber", UnitNumber(ref rng, town, granted ? "GB" : "JC", 'W'));
        asset.Attributes.Add("areaM2", Yuan(organisation ? rng.NextInt64(200000, 8000000) : rng.NextInt64(8000, 60000)));
        asset.Attributes.Add("landUse", organisation ? rng.Pick(["工业用地", "商服用地", "仓储用地"]) : granted ? "城镇住宅用地" : "宅基地");
        asset.Attributes.Add("rightType", granted ? "出让" : "集体土地使用权");
        if (granted)
        {
            asset.Attributes.Add("expiresOn", Date(rng.Date(new DateOnly(year + (organisation ? 50 : 70), 1, 1), 365)));
        }

        if (rng.Chance(0.30))
        {
            asset.Flags.Add(Mortgaged);
        }

        AddRareFlags(ref rng, asset);
    }

    private static void Vehicle(ref SyntheticRandom rng, Asset asset, bool organisation)
    {
        var (model, type, energy) = rng.Pick(Vehicles);
        if (organisation && rng.Chance(0.4))
        {
            (model, type, energy) = ("江铃顺达", "轻型厢式货车", Energy.Diesel);
        }

        Span<char> plate = stackalloc char[9];
        "浙D·".CopyTo(plate);
        int length;
        if (energy is Energy.Electric or Energy.PlugInHybrid)
        {
            // GA 36-2018 small new-energy plates: D/A/B/C/E pure electric, F/G/H/J/K others, then five digits.
            plate[3] = energy == Energy.Electric
                ? (rng.Chance(0.9) ? 'D' : rng.Pick(['A', 'B', 'C', 'E']))
                : (rng.Chance(0.9) ? 'F' : rng.Pick(['G', 'H', 'J', 'K']));
            for (var i = 4; i < 9; i++)
            {
                plate[i] = rng.Digit();
            }

            length = 9;
        }
        else
        {
            const string letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
            for (var i = 3; i < 8; i++)
            {
                plate[i] = rng.Chance(0.8) ? rng.Digit() : letters[rng.Next(letters.Length)];
            }

            length = 8;
        }

        asset.Reference = new string(plate[..length]);
        asset.Description = model;
        asset.Attributes.Add("model", model);
        asset.Attributes.Add("vehicleType", type);
        asset.Attributes.Add("energy", energy switch
        {
            Energy.Electric => "纯电动",
            Energy.PlugInHybrid => "插电式混合动力",
            Energy.Diesel => "柴油",
            _ => "汽油",
        });
        asset.Attributes.Add("colour", rng.Pick(District.Colours));
        asset.Attributes.Add("registeredOn", Date(rng.Date(new DateOnly(2012, 1, 1), 12 * 365)));
        if (rng.Chance(0.12))
        {
            asset.Flags.Add(Mortgaged);
        }

        if (rng.Chance(0.04))
        {
            asset.Flags.Add(Sealed);
        }
    }

    private static void Deposit(ref SyntheticRandom rng, Asset asset, SimulatedUnit unit, bool organisation, int index)
    {
        asset.Reference = organisation ? CorporateAccount(ref rng, unit.Key) : CardNumber(ref rng, unit.Key);
        var type = organisation
            ? (index == 0 ? "单位基本存款账户" : "单位一般存款账户")
            : (rng.Chance(0.7) ? "活期储蓄" : "定期储蓄");
        asset.Description = type;
        asset.AmountYuan = Yuan(Balance(ref rng, organisation));
        asset.Attributes.Add("accountType", type);
        asset.Attributes.Add("branch", $"{District.TownShortName(rng.Pick(District.Towns))}支行");
        asset.Attributes.Add("currency", "CNY");
        asset.Attributes.Add("openedOn", Date(rng.Date(Epoch2000, 24 * 365)));
        if (rng.Chance(0.05))
        {
            asset.Flags.Add(Frozen);
        }
    }

    private static void WealthProduct(ref SyntheticRandom rng, Asset asset)
    {
        asset.Reference = rng.Digits("Z", 13);
        asset.Description = rng.Pick(WealthProducts);
        asset.AmountYuan = Yuan(rng.NextInt64(1, 200) * 1_000_000 + rng.NextInt64(0, 1_000_000));
        asset.Attributes.Add("productType", rng.Pick(["固定收益类", "现金管理类", "混合类"]));
        asset.Attributes.Add("riskLevel", rng.Pick(["R1", "R2", "R2", "R3"]));
        asset.Attributes.Add("maturesOn", rng.Chance(0.3) ? "开放式" : Date(rng.Date(new DateOnly(2025, 1, 1), 3 * 365)));
        if (rng.Chance(0.03))
        {
            asset.Flags.Add(Frozen);
        }
    }

    private static void Securities(ref SyntheticRandom rng, Asset asset, int index)
    {
        // Shanghai shareholder accounts are "A" + 9 digits, Shenzhen ones 10 digits starting 0.
        var shanghai = index % 2 == 0;
        asset.Reference = shanghai ? rng.Digits("A", 9) : rng.Digits("0", 9);
        asset.Description = shanghai ? "上海证券交易所A股账户" : "深圳证券交易所A股账户";
        asset.AmountYuan = Yuan(MagnitudeCents(ref rng, [20, 30, 30, 15, 5]));
        asset.Attributes.Add("market", shanghai ? "SSE" : "SZSE");
        asset.Attributes.Add("broker", rng.Pick(Brokers));
        asset.Attributes.Add("cashBalanceYuan", Yuan(MagnitudeCents(ref rng, [40, 30, 20, 10])));
        if (rng.Chance(0.03))
        {
            asset.Flags.Add(Frozen);
        }
    }

    private static void ProvidentFund(ref SyntheticRandom rng, Asset asset)
    {
        var active = rng.Chance(0.85);
        asset.Reference = rng.Digits("3306", 8);
        asset.Description = "住房公积金个人账户";
        asset.AmountYuan = Yuan(rng.NextInt64(100_000, 30_000_000));
        asset.Attributes.Add("status", active ? "正常缴存" : "封存");
        asset.Attributes.Add("monthlyDepositYuan", Yuan(active ? rng.NextInt64(40_000, 500_000) : 0));
        asset.Attributes.Add("employer", CompanyName(ref rng));
        if (rng.Chance(0.02))
        {
            asset.Flags.Add(Frozen);
        }
    }

    private static void SocialInsurance(ref SyntheticRandom rng, Asset asset)
    {
        var employee = rng.Chance(0.7);
        asset.Reference = rng.Digits("33", 8);
        asset.Description = employee ? "企业职工基本养老保险个人账户" : "城乡居民基本养老保险个人账户";
        asset.AmountYuan = Yuan(employee ? rng.NextInt64(100_000, 20_000_000) : rng.NextInt64(10_000, 3_000_000));
        asset.Attributes.Add("insuranceType", employee ? "企业职工基本养老保险" : "城乡居民基本养老保险");
        asset.Attributes.Add("status", rng.Pick(["参保缴费", "参保缴费", "参保缴费", "暂停缴费", "待遇领取"]));
        asset.Attributes.Add("contributionMonths", rng.Next(6, 421).ToString(CultureInfo.InvariantCulture));
    }

    private static void BusinessEquity(ref SyntheticRandom rng, Asset asset)
    {
        var name = CompanyName(ref rng);
        var capitalCents = rng.NextInt64(5, 500) * 10_000_000;   // 50万 to 5000万 yuan, in 10万 steps
        var shareHundredths = rng.Chance(0.2) ? 10_000 : rng.Next(500, 10_000);
        asset.Reference = CreditCode(ref rng);
        asset.Description = name;
        asset.AmountYuan = Yuan(capitalCents * shareHundredths / 10_000);
        asset.Attributes.Add("companyName", name);
        asset.Attributes.Add("sharePercent", Yuan(shareHundredths));
        asset.Attributes.Add("registeredCapitalYuan", Yuan(capitalCents));
        asset.Attributes.Add("subscribedOn", Date(rng.Date(new DateOnly(2005, 1, 1), 19 * 365)));
        if (rng.Chance(0.05))
        {
            asset.Flags.Add(Frozen);
        }
    }

    private static void Tax(ref SyntheticRandom rng, Asset asset, bool organisation, int index)
    {
        // What a tax office holds about an organisation is mostly arrears, about a person mostly a refund due.
        var arrears = organisation ? index == 0 || rng.Chance(0.5) : rng.Chance(0.3);
        var year = rng.Next(2019, 2025);
        string taxType;
        long cents;
        if (arrears)
        {
            taxType = organisation ? rng.Pick(["增值税", "企业所得税", "城镇土地使用税", "房产税", "印花税"]) : rng.Pick(["个人所得税", "房产税"]);
            cents = organisation ? rng.NextInt64(100_000, 200_000_000) : rng.NextInt64(10_000, 5_000_000);
            asset.Reference = $"绍上税通〔{year}〕{rng.Next(1, 9999)}号";
            asset.Description = $"欠缴{taxType}";
        }
        else
        {
            taxType = organisation ? rng.Pick(["增值税", "企业所得税"]) : "个人所得税";
            cents = organisation ? rng.NextInt64(100_000, 50_000_000) : rng.NextInt64(5_000, 1_000_000);
            asset.Reference = $"绍上税退〔{year}〕{rng.Next(1, 9999)}号";
            asset.Description = organisation ? $"应退{taxType}" : "个人所得税年度汇算应退税款";
        }

        asset.AmountYuan = Yuan(cents);
        asset.Attributes.Add("taxType", taxType);
        asset.Attributes.Add("direction", arrears ? "ARREARS" : "REFUND");
        asset.Attributes.Add("period", arrears && organisation
            ? string.Create(CultureInfo.InvariantCulture, $"{year}-{rng.Next(1, 13):D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{year}"));
    }

    private static void EnvironmentalPenalty(ref SyntheticRandom rng, Asset asset, bool organisation)
    {
        var year = rng.Next(2019, 2025);
        var violation = rng.Pick(Violations);
        asset.Reference = $"绍环（上虞）罚字〔{year}〕{rng.Next(1, 300)}号";
        asset.Description = violation;
        asset.AmountYuan = Yuan((organisation ? rng.NextInt64(200, 10_000) : rng.NextInt64(20, 500)) * 10_000);
        asset.Attributes.Add("violation", violation);
        asset.Attributes.Add("decidedOn", Date(rng.Date(new DateOnly(year, 1, 1), 365)));
        asset.Attributes.Add("paymentStatus", rng.Pick(["未缴纳", "未缴纳", "部分缴纳", "已申请强制执行"]));
    }

    private static void AddRareFlags(ref SyntheticRandom rng, Asset asset)
    {
        if (rng.Chance(0.08))
        {
            asset.Flags.Add(Sealed);
        }

        if (rng.Chance(0.02))
        {
            asset.Flags.Add(Objection);
        }

        if (rng.Chance(0.03))
        {
            asset.Flags.Add(Locked);
        }
    }

    // 不动产单元号: county (6) + cadastral district (3) + sub-district (3) + parcel type (2) + parcel (5)
    // + fixture type (1 of F, L, Q, W) + fixture number (8; zeros when only land is registered).
    private static string UnitNumber(ref SyntheticRandom rng, int town, string parcelType, char fixtureType) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{District.AddressCode}{town + 1:D3}{rng.Next(1, 41):D3}{parcelType}{rng.Next(1, 100000):D5}{fixtureType}{(fixtureType == 'W' ? 0 : rng.Next(1, 100000000)):D8}");

    private static string CompanyName(ref SyntheticRandom rng) =>
        rng.Next(3) switch
        {
            0 => $"浙江{rng.Pick(District.TradeNames)}{rng.Pick(District.Trades)}股份有限公司",
            1 => $"绍兴{rng.Pick(District.TradeNames)}{rng.Pick(District.Trades)}有限公司",
            _ => $"绍兴市上虞区{rng.Pick(District.TradeNames)}{rng.Pick(District.Trades)}有限公司",
        };

    // A UnionPay debit card: "62", four digits that stay the same for one bank, then digits and a Luhn check digit;
    // 19 digits at most banks, 16 at a few.
    private static string CardNumber(ref SyntheticRandom rng, ulong bankKey)
    {
        var length = bankKey % 5 == 0 ? 16 : 19;
        Span<char> digits = stackalloc char[length];
        digits[0] = '6';
        digits[1] = '2';
        var bin = (bankKey >> 8) % 10000;
        for (var i = 5; i >= 2; i--)
        {
            digits[i] = (char)('0' + (int)(bin % 10));
            bin /= 10;
        }

        for (var i = 6; i < length - 1; i++)
        {
            digits[i] = rng.Digit();
        }

        digits[length - 1] = LuhnCheck(digits[..^1]);
        return new string(digits);
    }

    // Corporate accounts have no common format: each bank keeps its own length (12 to 21 digits) and prefix.
    private static string CorporateAccount(ref SyntheticRandom rng, ulong bankKey)
    {
        var length = 12 + (int)((bankKey >> 24) % 10);
        Span<char> digits = stackalloc char[length];
        var prefix = (bankKey >> 32) % 1000;
        digits[0] = (char)('1' + (int)(prefix % 9));
        digits[1] = (char)('0' + (int)(prefix / 10 % 10));
        digits[2] = (char)('0' + (int)(prefix / 100 % 10));
        for (var i = 3; i < length; i++)
        {
            digits[i] = rng.Digit();
        }

        return new string(digits);
    }

    private static long Balance(ref SyntheticRandom rng, bool organisation) =>
        organisation
            ? MagnitudeCents(ref rng, [10, 15, 25, 25, 15, 7, 3])
            : MagnitudeCents(ref rng, [15, 20, 25, 25, 12, 3]);

    // Balances spread over orders of magnitude without Math.Log/Exp (not bit-identical across platforms):
    // bucket i is [10^i, 10^(i+1)) yuan with the given weight, uniform in cents inside it.
    private static long MagnitudeCents(ref SyntheticRandom rng, int[] weights)
    {
        var total = 0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        var roll = rng.Next(total);
        var bucket = 0;
        while (roll >= weights[bucket])
        {
            roll -= weights[bucket];
            bucket++;
        }

        long low = 100;
        for (var i = 0; i < bucket; i++)
        {
            low *= 10;
        }

        return rng.NextInt64(bucket == 0 ? 1 : low, low * 10);
    }

    private static char LuhnCheck(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var d = payload[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    // GB 11714 organisation code check character: weights 3 7 9 10 5 8 4 2, C = 11 − S mod 11, 10 → X, 11 → 0.
    private static char OrganisationCheck(ReadOnlySpan<char> body)
    {
        ReadOnlySpan<int> weights = [3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = body[i];
            sum += (char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10) * weights[i];
        }

        return (11 - (sum % 11)) switch
        {
            10 => 'X',
            11 => '0',
            var d => (char)('0' + d),
        };
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
