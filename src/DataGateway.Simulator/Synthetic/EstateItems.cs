using System.Collections.Frozen;
using System.Globalization;
using DataGateway.Contracts.V1;

namespace DataGateway.Simulator.Synthetic;

/// <summary>
/// How each estate data item (EST-*, config/data-items.json) is drawn. Items that restate an enforcement item (titles,
/// vehicles, deposits ...) are that item's answer relabelled, so a judge and a notary see the same holdings; items that
/// follow from them (mortgages on the titles, the pension payout of the account) are derived; the rest are drawn per
/// subject, unit and item. Formats of numbers not given in DOMAIN.md are stand-ins, not checked against a source. No
/// record repeats the subject's own identity number: the caller sent it, and a report should not carry it again.
/// </summary>
internal static class EstateItems
{
    private const string Deceased = "DECEASED";

    private static readonly string[] Banks =
    [
        "浙江上虞农村商业银行", "中国工商银行上虞支行", "中国农业银行上虞支行", "中国银行上虞支行", "中国建设银行上虞支行", "绍兴银行上虞支行",
    ];

    private static readonly string[] FundNames =
    [
        "舜江稳健增长混合A", "越美消费精选股票", "恒昌中证500指数增强", "龙盛价值优选混合", "瑞丰纯债债券A", "鑫源货币A",
    ];

    private static readonly string[] PolicyNames = ["金福年年两全保险（分红型）", "鑫享终身寿险", "安康重大疾病保险", "悦享年金保险"];

    private static readonly string[] ExchangeFunds = ["沪深300ETF", "中证500ETF", "国债ETF", "黄金ETF", "创业板ETF"];

    private static readonly string[] CausesOfDeath = ["循环系统疾病", "恶性肿瘤", "呼吸系统疾病", "内分泌营养和代谢疾病", "损伤和中毒"];

    private static readonly FrozenDictionary<string, Action<EstateDraw>> Generators = new Dictionary<string, Action<EstateDraw>>(StringComparer.Ordinal)
    {
        // Death: only a persona's story has one.
        ["EST-DEATH-MEDICAL-CERT"] = d =>
        {
            if (d.Death is { AtHospital: true } death)
            {
                var cert = d.Add(d.Rng.Digits($"M{District.AddressCode}{death.DiedOn.Year % 100:D2}", 6), "居民死亡医学证明（推断）书");
                cert.Attributes.Add("diedOn", EstateDraw.Date(death.DiedOn));
                cert.Attributes.Add("placeOfDeath", "医疗卫生机构");
                cert.Attributes.Add("issuedBy", death.Hospital);
                cert.Attributes.Add("issuedOn", EstateDraw.Date(death.DiedOn));
            }
        },
        ["EST-DEATH-CAUSE"] = d =>
        {
            if (d.Death is not null)
            {
                d.Add(d.Rng.Digits("ICD-", 3), d.Rng.Pick<string>(CausesOfDeath));
            }
        },
        ["EST-DEATH-POLICE-CERT"] = d =>
        {
            // A death outside medical care is certified by the police instead of a hospital.
            if (d.Death is { AtHospital: false } death)
            {
                var cert = d.Add(d.Rng.Digits($"GA{death.DiedOn.Year}", 6), "公安机关出具的死亡证明");
                cert.Attributes.Add("diedOn", EstateDraw.Date(death.DiedOn));
                cert.Attributes.Add("placeOfDeath", "家中");
                cert.Attributes.Add("issuedBy", death.PoliceStation);
            }
        },
        ["EST-DEATH-HOUSEHOLD-DEREG"] = d =>
        {
            if (d.Death is { } death)
            {
                var record = d.Add(d.Rng.Digits($"ZX{death.DeregisteredOn.Year}", 6), "死亡注销户口");
                record.Attributes.Add("diedOn", EstateDraw.Date(death.DiedOn));
                record.Attributes.Add("deregisteredOn", EstateDraw.Date(death.DeregisteredOn));
                record.Attributes.Add("policeStation", death.PoliceStation);
                record.Attributes.Add("reason", "死亡");
            }
        },
        ["EST-DEATH-CREMATION"] = d =>
        {
            if (d.Death is { } death)
            {
                var record = d.Add(d.Rng.Digits($"HH{death.CrematedOn.Year}", 5), "遗体火化证明");
                record.Attributes.Add("diedOn", EstateDraw.Date(death.DiedOn));
                record.Attributes.Add("crematedOn", EstateDraw.Date(death.CrematedOn));
                record.Attributes.Add("funeralHome", "上虞区殡仪馆");
            }
        },
        ["EST-DEATH-FUNERAL-SERVICE"] = d =>
        {
            if (d.Death is { } death)
            {
                var record = d.Add(d.Rng.Digits($"BY{death.DiedOn.Year}", 6), "殡仪服务（遗体接运、告别仪式）");
                record.Attributes.Add("diedOn", EstateDraw.Date(death.DiedOn));
                record.Attributes.Add("bodyCollectedOn", EstateDraw.Date(death.DiedOn));
                record.Attributes.Add("farewellOn", EstateDraw.Date(death.CrematedOn));
            }
        },
        ["EST-DEATH-BURIAL"] = d =>
        {
            if (d.Death is { BuriedOn: { } buriedOn, Cemetery: { } cemetery })
            {
                var record = d.Add(d.Rng.Digits($"GM{buriedOn.Year}", 5), "骨灰公墓安葬");
                record.Attributes.Add("cemetery", cemetery);
                record.Attributes.Add("buriedOn", EstateDraw.Date(buriedOn));
            }
        },
        // Declarations of death are for missing people; no persona is one.
        ["EST-DEATH-COURT-DECLARATION"] = _ => { },

        // Identity and household.
        ["EST-ID-RESIDENT"] = d =>
        {
            var record = d.Add(d.Rng.Digits("RK", 12), "常住人口登记");
            if (d.Subject.Persona is { } persona)
            {
                record.Attributes.Add("name", persona.Name);
            }

            record.Attributes.Add("sex", d.Subject.Male ? "男" : "女");
            record.Attributes.Add("birthDate", EstateDraw.Date(d.Subject.BirthDate));
            record.Attributes.Add("ethnicity", "汉族");
            record.Attributes.Add("status", d.Death is null ? "正常" : "死亡注销");
        },
        ["EST-ID-HOUSEHOLD"] = d =>
        {
            var town = d.Rng.Pick<string>(District.Towns);
            var record = d.Add(d.Rng.Digits("3306", 5), "户籍登记");
            record.Attributes.Add("address", $"上虞区{town}{d.Rng.Pick<string>(District.Roads)}{d.Rng.Next(1, 300)}号");
            record.Attributes.Add("headOfHousehold", d.Subject.Male || !d.Subject.RelativesOf("spouse").Any() ? "本人" : "配偶");
        },
        ["EST-ID-HOUSEHOLD-MEMBERS"] = d =>
        {
            foreach (var relative in d.Subject.RelativesOf("spouse").Where(r => r.Alive))
            {
                var member = d.Add(relative.IdNumber, relative.Name);
                member.Attributes.Add("relationshipToHead", d.Subject.Male ? "妻" : "本人");
            }
        },
        ["EST-ID-CARD-CANCELLED"] = d =>
        {
            if (d.Death is { } death)
            {
                var record = d.Add(d.Rng.Digits($"SFZZX{death.DeregisteredOn.Year}", 6), "居民身份证注销");
                record.Attributes.Add("cancelledOn", EstateDraw.Date(death.DeregisteredOn));
            }
        },
        ["EST-ID-PHOTO"] = d => d.Add(d.Rng.Digits("PHOTO-", 10), "居民身份证照片"),
        ["EST-ID-NAME-CHANGES"] = d =>
        {
            if (d.Holds(0.05))
            {
                var record = d.Add(d.Rng.Digits("GM", 8), "曾用名登记");
                record.Attributes.Add("changedOn", EstateDraw.Date(d.DateBetween(d.Subject.BirthDate.AddYears(18), d.LastDay)));
            }
        },

        // Kinship: one record per relative, shaped as the unit contract describes.
        ["EST-KIN-MARRIAGE-RECORD"] = d =>
        {
            foreach (var spouse in d.Subject.RelativesOf("spouse"))
            {
                var married = d.DateBetween(Later(d.Subject.BirthDate, spouse.BirthDate).AddYears(22), Later(d.Subject.BirthDate, spouse.BirthDate).AddYears(30));
                var record = d.Add($"J330682-{married.Year}-{d.Rng.Next(1, 5000):D6}", "结婚登记");
                record.Attributes.Add("registeredOn", EstateDraw.Date(married));
                record.Attributes.Add("spouseName", spouse.Name);
                record.Attributes.Add("registeredBy", married.Year < 2013 ? "上虞市民政局婚姻登记处" : "绍兴市上虞区民政局婚姻登记处");
            }
        },
        ["EST-KIN-DIVORCE-RECORD"] = d =>
        {
            if (d.Holds(0.03))
            {
                var record = d.Add($"L330604-{d.Rng.Next(1995, 2024)}-{d.Rng.Next(1, 3000):D6}", "离婚登记");
                record.Attributes.Add("note", "已解除婚姻关系");
            }
        },
        ["EST-KIN-SPOUSE"] = d => Relatives(d, "spouse"),
        ["EST-KIN-CHILDREN"] = d => Relatives(d, "child"),
        ["EST-KIN-PARENTS"] = d => Relatives(d, "parent"),
        ["EST-KIN-SIBLINGS"] = d => Relatives(d, "sibling"),
        ["EST-KIN-GRANDPARENTS"] = d => Relatives(d, "grandparent"),
        ["EST-KIN-ADOPTION"] = d =>
        {
            if (d.Holds(0.01))
            {
                d.Add(d.Rng.Digits("SY", 10), "收养登记");
            }
        },
        ["EST-KIN-BIRTH-CERT"] = d =>
        {
            // Medical birth certificates exist from 1996 on.
            foreach (var child in d.Subject.RelativesOf("child").Where(c => c.BirthDate.Year >= 1996))
            {
                var record = d.Add(d.Rng.Digits("P33", 8), "出生医学证明");
                record.Attributes.Add("childName", child.Name);
                record.Attributes.Add("birthDate", EstateDraw.Date(child.BirthDate));
            }
        },
        ["EST-KIN-RELATIVE-DEATHS"] = d =>
        {
            foreach (var relative in d.Subject.Relatives.Where(r => !r.Alive))
            {
                d.AddRelative(relative);
            }
        },

        // Real estate: the titles are the enforcement answer; encumbrances follow from their flags.
        ["EST-RE-UNITS"] = d => RestateAll(d, "REAL_ESTATE"),
        ["EST-RE-MORTGAGES"] = d =>
        {
            foreach (var title in d.Twin("REAL_ESTATE").Where(t => t.Flags.Contains(AssetFactory.Mortgaged)))
            {
                var record = d.Add($"浙({title.Reference.Substring(2, 4)})绍兴市上虞区不动产证明第{d.Rng.Next(1, 80000):D7}号", "抵押权登记：" + title.Description);
                record.Attributes.Add("title", title.Reference);
                record.Attributes.Add("mortgagee", d.Rng.Pick<string>(Banks));
                record.Attributes.Add("securedAmountYuan", AssetFactory.Yuan(d.Rng.NextInt64(20, 200) * 1_000_000));
            }
        },
        ["EST-RE-SEALS"] = d => Encumbrances(d, "REAL_ESTATE", AssetFactory.Sealed, "查封登记：", SealRuling),
        ["EST-RE-OBJECTIONS"] = d => Encumbrances(d, "REAL_ESTATE", AssetFactory.Objection, "异议登记：", d => $"浙({d.Rng.Next(2019, 2025)})绍兴市上虞区不动产证明第{d.Rng.Next(1, 80000):D7}号"),
        ["EST-RE-PRE-REGISTRATION"] = d =>
        {
            if (d.Holds(0.05, "REAL_ESTATE"))
            {
                d.Add($"浙({d.Rng.Next(2019, 2025)})绍兴市上虞区不动产证明第{d.Rng.Next(1, 80000):D7}号", $"预购商品房预告登记：上虞区{d.Rng.Pick<string>(District.Roads)}{d.Rng.Next(1, 300)}号");
            }
        },
        ["EST-RE-CO-OWNERS"] = d =>
        {
            // A home bought during the marriage is held jointly: half of it is the spouse's, not the estate's.
            var spouse = d.Subject.RelativesOf("spouse").FirstOrDefault();
            if (spouse is null)
            {
                return;
            }

            foreach (var title in d.Twin("REAL_ESTATE").Where(t => t.Attributes.TryGetValue("use", out var use) && use == "住宅"))
            {
                var record = d.Add(spouse.IdNumber, spouse.Name);
                record.Attributes.Add("title", title.Reference);
                record.Attributes.Add("shareType", "共同共有");
            }
        },
        ["EST-RE-CONTRACTS"] = d =>
        {
            if (d.Holds(0.05, "REAL_ESTATE", anywhere: true))
            {
                var record = d.Add(d.Rng.Digits("WQ", 12), $"商品房买卖合同：上虞区{d.Rng.Pick<string>(District.Roads)}{d.Rng.Next(1, 300)}号");
                record.AmountYuan = AssetFactory.Yuan(d.Rng.NextInt64(60, 300) * 1_000_000);
            }
        },
        ["EST-RE-PUBLIC-HOUSING"] = d =>
        {
            if (d.Holds(0.02))
            {
                d.Add(d.Rng.Digits("GZ", 8), $"公有住房承租：上虞区{d.Rng.Pick<string>(District.Towns)}{d.Rng.Pick<string>(District.Roads)}{d.Rng.Next(1, 300)}号");
            }
        },
        ["EST-RE-EXPROPRIATION"] = d =>
        {
            if (d.Holds(0.01))
            {
                d.Add(d.Rng.Digits("ZS", 8), "房屋征收货币补偿（待领取）", d.Rng.NextInt64(50, 300) * 1_000_000);
            }
        },

        // Land.
        ["EST-LAND-USE-RIGHTS"] = d => RestateAll(d, "LAND_USE_RIGHT"),
        ["EST-LAND-HOMESTEAD"] = d =>
        {
            if (d.Holds(d.Subject.BirthDate.Year < 1980 ? 0.15 : 0.03, "LAND_USE_RIGHT", anywhere: true))
            {
                var record = d.Add($"虞集用({d.Rng.Next(1990, 2016)})第{d.Rng.Next(1, 20000):D5}号", $"上虞区{d.Rng.Pick<string>(District.Towns)}{d.Rng.Pick<string>(District.Villages)}村宅基地");
                record.Attributes.Add("areaM2", AssetFactory.Yuan(d.Rng.NextInt64(8000, 20000)));
            }
        },
        ["EST-LAND-CONTRACTED"] = d =>
        {
            if (d.Holds(0.1, "LAND_USE_RIGHT", anywhere: true))
            {
                var record = d.Add(d.Rng.Digits("330604", 13), $"{d.Rng.Pick<string>(District.Villages)}村承包地");
                record.Attributes.Add("areaMu", AssetFactory.Yuan(d.Rng.NextInt64(50, 600)));
            }
        },
        ["EST-LAND-FOREST"] = d =>
        {
            if (d.Holds(0.02, "LAND_USE_RIGHT", anywhere: true))
            {
                d.Add($"浙({d.Rng.Next(2008, 2024)})上虞区林权第{d.Rng.Next(1, 9000):D5}号", $"{d.Rng.Pick<string>(District.Villages)}村山林");
            }
        },

        // Vehicles.
        ["EST-VEH-MOTOR"] = d => RestateAll(d, "VEHICLE"),
        ["EST-VEH-MORTGAGES"] = d => Encumbrances(d, "VEHICLE", AssetFactory.Mortgaged, "机动车抵押登记：", d => d.Rng.Digits("DY3306", 10)),
        ["EST-VEH-SEALS"] = d => Encumbrances(d, "VEHICLE", AssetFactory.Sealed, "机动车查封：", SealRuling),
        ["EST-VEH-VIOLATIONS"] = d =>
        {
            if (d.Holds(0.1, "VEHICLE", anywhere: true))
            {
                var record = d.Add(d.Rng.Digits("3306041", 12), "未处理交通违法：违反禁令标志", d.Rng.Next(1, 3) * 10_000);
                record.Attributes.Add("points", "3");
            }
        },
        ["EST-VEH-LICENCE"] = d =>
        {
            if (d.Holds(0.6, "VEHICLE", anywhere: true))
            {
                var record = d.Add(d.Rng.Digits("3306", 8), "机动车驾驶证（档案编号）");
                record.Attributes.Add("class", d.Rng.Pick(["C1", "C1", "C2", "B2"]));
                record.Attributes.Add("status", d.Death is null ? "正常" : "死亡未注销");
            }
        },

        // Deposits: the accounts are the enforcement answer; the rest are drawn where the subject banks.
        ["EST-DEP-ACCOUNTS"] = d => RestateAll(d, "DEPOSIT"),
        ["EST-DEP-CERTIFICATES"] = d =>
        {
            if (d.Holds(0.4, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("", 18), d.Rng.Chance(0.3) ? "大额存单" : "整存整取定期存单", d.Rng.NextInt64(10_000, 500_000) * 100);
                record.Attributes.Add("termMonths", d.Rng.Pick(["12", "24", "36", "60"]));
                record.Attributes.Add("accountNumber", record.Reference);
            }
        },
        ["EST-DEP-DORMANT"] = d =>
        {
            if (d.Holds(0.1, "DEPOSIT"))
            {
                d.Add(d.Rng.Digits("62", 17), "久悬账户（一年以上无交易）", d.Rng.NextInt64(100, 200_000));
            }
        },
        ["EST-DEP-SOCIAL-SECURITY-CARD"] = d =>
        {
            // Shangyu's social security cards carry a financial account at the rural commercial bank (a stand-in).
            var card = d.Subject.Plan is null ? d.Rng.Chance(0.8) : d.Subject.Plan.HoldsAnywhere("SOCIAL_INSURANCE");
            if (card && d.Unit.Id == "bank-sxrcb")
            {
                d.Add(d.Rng.Digits("623091", 13), "社会保障卡金融账户", d.Rng.NextInt64(1_000, 1_500_000));
            }
        },
        ["EST-DEP-SAFE-BOX"] = d =>
        {
            if (d.Holds(0.1, "DEPOSIT"))
            {
                var record = d.Add($"B-{d.Rng.Next(1, 20):D2}-{d.Rng.Next(1, 400):D3}", "保管箱租用");
                record.Attributes.Add("rentedUntil", EstateDraw.Date(d.DateBetween(EstateSubject.ReferenceDate, EstateSubject.ReferenceDate.AddYears(3))));
            }
        },

        // Wealth.
        ["EST-WEALTH-PRODUCTS"] = d => RestateAll(d, "WEALTH_PRODUCT"),
        ["EST-WEALTH-FUNDS"] = d =>
        {
            if (d.Holds(0.25, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("0", 5), d.Rng.Pick<string>(FundNames), d.Rng.NextInt64(1_000, 50_000) * 100);
                record.Attributes.Add("units", AssetFactory.Yuan(d.Rng.NextInt64(100_000, 5_000_000)));
            }
        },
        ["EST-WEALTH-INSURANCE"] = d =>
        {
            if (d.Holds(0.2, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("P", 15), d.Rng.Pick<string>(PolicyNames), d.Rng.NextInt64(500, 20_000) * 100);
                record.Attributes.Add("cashValue", "现金价值");
                record.Attributes.Add("beneficiary", d.Rng.Chance(0.5) ? "法定" : "指定");
            }
        },
        ["EST-WEALTH-GOLD"] = d =>
        {
            if (d.Holds(0.05, "DEPOSIT"))
            {
                var grams = d.Rng.Next(10, 500);
                var record = d.Add(d.Rng.Digits("GJ", 12), "积存金账户", grams * 60_000L);
                record.Attributes.Add("grams", grams.ToString(CultureInfo.InvariantCulture));
            }
        },
        ["EST-WEALTH-BONDS"] = d =>
        {
            if (d.Holds(d.Subject.BirthDate.Year < 1965 ? 0.15 : 0.02, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("", 19), $"{d.Rng.Next(2021, 2025)}年凭证式国债", d.Rng.NextInt64(100, 1_000) * 10_000);
                record.Attributes.Add("termYears", d.Rng.Pick(["3", "5"]));
            }
        },

        // Securities.
        ["EST-SEC-ACCOUNTS"] = d =>
        {
            foreach (var holding in d.Twin("SECURITIES"))
            {
                var record = d.Add(holding.Reference, holding.Description);
                record.Attributes.Add("broker", holding.Attributes["broker"]);
            }
        },
        ["EST-SEC-HOLDINGS"] = d => RestateAll(d, "SECURITIES"),
        ["EST-SEC-FUND-HOLDINGS"] = d =>
        {
            if (d.Holds(0.3, "SECURITIES"))
            {
                d.Add(d.Rng.Digits("51", 4), d.Rng.Pick<string>(ExchangeFunds), d.Rng.NextInt64(1_000, 30_000) * 100);
            }
        },
        ["EST-SEC-UNCLAIMED-DIVIDENDS"] = d =>
        {
            if (d.Holds(0.2, "SECURITIES"))
            {
                d.Add(d.Rng.Digits("60", 4), $"{d.Rng.Pick<string>(District.TradeNames)}股份现金红利（未领取）", d.Rng.NextInt64(1_000, 500_000));
            }
        },
        ["EST-SEC-CASH"] = d =>
        {
            if (d.Holds(0.6, "SECURITIES", anywhere: true))
            {
                d.Add(d.Rng.Digits("3301", 8), "客户资金账户余额", d.Rng.NextInt64(100, 5_000_000));
            }
        },

        // Housing provident fund.
        ["EST-PF-ACCOUNT"] = d => RestateAll(d, "PROVIDENT_FUND"),
        ["EST-PF-SUPPLEMENTARY"] = d =>
        {
            if (d.Holds(0.2, "PROVIDENT_FUND"))
            {
                d.Add(d.Rng.Digits("3306B", 8), "补充住房公积金账户", d.Rng.NextInt64(50_000, 5_000_000));
            }
        },
        ["EST-PF-LOAN"] = d =>
        {
            if (d.Holds(0.15, "PROVIDENT_FUND"))
            {
                var record = d.Add(d.Rng.Digits("GJJD", 10), "住房公积金个人住房贷款余额", d.Rng.NextInt64(50_000, 600_000) * 100);
                record.Attributes.Add("direction", "DEBT");
            }
        },
        ["EST-PF-WITHDRAWAL"] = d =>
        {
            if (d.Holds(0.3, "PROVIDENT_FUND"))
            {
                var record = d.Add(d.Rng.Digits("TQ", 10), d.Rng.Pick(["租房提取", "购房提取", "偿还贷款提取"]), d.Rng.NextInt64(500_000, 5_000_000));
                record.Attributes.Add("withdrawnOn", EstateDraw.Date(d.DateBetween(d.LastDay.AddYears(-5), d.LastDay)));
            }
        },

        // Pension.
        ["EST-PENSION-ENROLMENT"] = d =>
        {
            foreach (var account in d.Twin("SOCIAL_INSURANCE"))
            {
                var record = d.Add(account.Reference, account.Attributes["insuranceType"]);
                record.Attributes.Add("status", d.Death is null ? account.Attributes["status"] : "终止参保（死亡）");
                record.Attributes.Add("contributionMonths", account.Attributes["contributionMonths"]);
            }
        },
        ["EST-PENSION-PERSONAL-ACCOUNT"] = d => RestateAll(d, "SOCIAL_INSURANCE"),
        ["EST-PENSION-ACCOUNT-PAYOUT"] = d =>
        {
            // On death the balance of the personal account is paid to the heirs: the same sum the account shows.
            if (d.Death is null)
            {
                return;
            }

            foreach (var account in d.TwinAt("hr-social-security", "SOCIAL_INSURANCE"))
            {
                var record = d.Add(d.Rng.Digits($"YL{d.Death.DiedOn.Year}", 6), "养老保险个人账户余额一次性支付");
                record.AmountYuan = account.AmountYuan;
                record.Attributes.Add("account", account.Reference);
                record.Attributes.Add("payableTo", "法定继承人或指定受益人");
                record.Attributes.Add("status", "待申领");
            }
        },
        ["EST-PENSION-OVERPAID"] = d =>
        {
            // A pension paid for the month after the death has to be repaid from the estate.
            if (d.Death is null || !d.TwinAt("hr-social-security", "SOCIAL_INSURANCE").Any())
            {
                return;
            }

            var record = d.Add(d.Rng.Digits($"ZH{d.Death.DiedOn.Year}", 6), "死亡后多发养老金（待追回）", d.Rng.NextInt64(150_000, 450_000));
            record.Attributes.Add("direction", "DEBT");
            record.Attributes.Add("paidFor", $"{d.Death.DiedOn.AddMonths(1):yyyy-MM}");
        },
        ["EST-PENSION-OCCUPATIONAL"] = d =>
        {
            if (d.Holds(0.1, "SOCIAL_INSURANCE", anywhere: true))
            {
                d.Add(d.Rng.Digits("NJ", 10), d.Rng.Chance(0.5) ? "职业年金个人账户" : "企业年金个人账户", d.Rng.NextInt64(1_000_000, 20_000_000));
            }
        },
        ["EST-PENSION-WORK-INJURY"] = d =>
        {
            if (d.Holds(0.01))
            {
                d.Add(d.Rng.Digits("GS", 10), "工伤保险伤残津贴", d.Rng.NextInt64(100_000, 500_000));
            }
        },

        // Medical insurance: one account per person, the same at both medical-insurance units.
        ["EST-MED-ENROLMENT"] = d =>
        {
            if (d.Subject.MedicalEnrolled)
            {
                var record = d.Add(d.Rng.Digits("YBBH", 10), d.Subject.BirthDate.Year < 1960 ? "职工基本医疗保险（退休）" : "职工基本医疗保险");
                record.Attributes.Add("status", d.Death is null ? "参保缴费" : "终止参保（死亡）");
            }
        },
        ["EST-MED-PERSONAL-ACCOUNT"] = d =>
        {
            if (d.Subject.MedicalEnrolled)
            {
                var record = d.Add(d.Rng.Digits("YB", 12), "医保个人账户", d.Subject.MedicalAccountCents);
                record.Attributes.Add("accountNumber", record.Reference);
            }
        },
        ["EST-MED-ACCOUNT-PAYOUT"] = d =>
        {
            if (d.Subject.MedicalEnrolled && d.Death is { } death)
            {
                var record = d.Add(d.Rng.Digits($"YBZQ{death.DiedOn.Year}", 6), "医保个人账户余额一次性支取", d.Subject.MedicalAccountCents);
                record.Attributes.Add("payableTo", "法定继承人");
                record.Attributes.Add("status", "待申领");
            }
        },
        ["EST-MED-PENDING-REIMBURSEMENT"] = d =>
        {
            if (d.Subject.PendingReimbursementCents > 0)
            {
                d.Add(d.Rng.Digits("JS", 12), "住院医疗费用待结算报销", d.Subject.PendingReimbursementCents);
            }
        },
        ["EST-MED-FAMILY-MUTUAL"] = d =>
        {
            if (d.Subject.MedicalEnrolled)
            {
                foreach (var spouse in d.Subject.RelativesOf("spouse"))
                {
                    var record = d.Add(spouse.IdNumber, spouse.Name);
                    record.Attributes.Add("link", "家庭共济（配偶）");
                }
            }
        },
        ["EST-MED-TREATMENT-RECORDS"] = d =>
        {
            if (d.Subject.MedicalEnrolled)
            {
                d.Add(d.Rng.Digits("JZ", 12), "就诊记录及费用明细");
            }
        },

        // Survivor benefits: paid to the family because of the death; not part of the estate.
        ["EST-SURV-FUNERAL-GRANT"] = d =>
        {
            if (d.Death is { } death && d.Twin("SOCIAL_INSURANCE").Count > 0)
            {
                d.Add(d.Rng.Digits($"SZ{death.DiedOn.Year}", 6), "丧葬补助金", d.Rng.NextInt64(800_000, 1_300_000));
            }
        },
        ["EST-SURV-PENSION"] = d =>
        {
            if (d.Death is { } death && d.Twin("SOCIAL_INSURANCE").Count > 0)
            {
                var record = d.Add(d.Rng.Digits($"FX{death.DiedOn.Year}", 6), "抚恤金（一次性）", d.Rng.NextInt64(2_000_000, 8_000_000));
                record.Attributes.Add("payableTo", "遗属");
            }
        },
        ["EST-SURV-DEPENDANT-RELIEF"] = d =>
        {
            if (d.Death is { } death && d.Subject.RelativesOf("child").Any(c => c.BirthDate > death.DiedOn.AddYears(-18)))
            {
                d.Add(d.Rng.Digits($"GY{death.DiedOn.Year}", 6), "供养直系亲属定期救济（未成年子女）", d.Rng.NextInt64(60_000, 150_000));
            }
        },
        ["EST-SURV-BASIC-FUNERAL"] = d =>
        {
            if (d.Death is { } death)
            {
                d.Add(d.Rng.Digits($"HM{death.CrematedOn.Year}", 6), "惠民殡葬基本服务费用减免", d.Rng.NextInt64(120_000, 200_000));
            }
        },
        ["EST-SURV-SUBSISTENCE"] = d =>
        {
            if (d.Holds(0.02))
            {
                var record = d.Add(d.Rng.Digits("DB", 10), "最低生活保障", d.Rng.NextInt64(90_000, 120_000));
                record.Attributes.Add("status", d.Death is null ? "享受中" : "死亡终止");
            }
        },
        ["EST-SURV-ELDERLY-ALLOWANCE"] = d =>
        {
            if (d.Subject.AgeOn(d.LastDay) >= 80)
            {
                var record = d.Add(d.Rng.Digits("GL", 10), "高龄津贴（月）", d.Rng.NextInt64(5_000, 20_000));
                record.Attributes.Add("status", d.Death is null ? "发放中" : "死亡停发");
            }
        },

        // Tax: arrears and refunds are the enforcement answer split by direction.
        ["EST-TAX-ARREARS"] = d => RestateWhere(d, "TAX", t => t.Attributes["direction"] == "ARREARS", debt: true),
        ["EST-TAX-REFUNDS"] = d => RestateWhere(d, "TAX", t => t.Attributes["direction"] == "REFUND", debt: false),
        ["EST-TAX-PROPERTY"] = d =>
        {
            if (d.Holds(0.05, "REAL_ESTATE", anywhere: true))
            {
                d.Add(d.Rng.Digits("FCS", 10), "房产税（经营用房）年度缴纳记录", d.Rng.NextInt64(100_000, 2_000_000));
            }
        },
        ["EST-TAX-DEED"] = d =>
        {
            // One deed-tax record per title: the tax paid when it was acquired.
            foreach (var title in d.TwinAt("realestate-registry", "REAL_ESTATE"))
            {
                var record = d.Add(d.Rng.Digits($"QS{title.Reference.Substring(2, 4)}", 8), "契税完税：" + title.Description);
                record.Attributes.Add("title", title.Reference);
            }
        },
        ["EST-TAX-INCOME"] = d => d.Add(d.Rng.Digits("GS", 10), "个人所得税收入申报"),

        // Business equity.
        ["EST-EQUITY-SHAREHOLDINGS"] = d => RestateAll(d, "BUSINESS_EQUITY"),
        ["EST-EQUITY-SOLE-TRADER"] = d =>
        {
            if (d.Holds(0.05, "BUSINESS_EQUITY"))
            {
                d.Add(d.Rng.Digits("330604", 9), $"上虞区{d.Rng.Pick<string>(District.Towns)}{d.Rng.Pick<string>(District.TradeNames)}{d.Rng.Pick<string>(District.Trades)}经营部");
            }
        },
        ["EST-EQUITY-PARTNERSHIPS"] = d =>
        {
            if (d.Holds(0.01, "BUSINESS_EQUITY"))
            {
                d.Add(AssetFactory.CreditCode(ref d.Rng), $"绍兴{d.Rng.Pick<string>(District.TradeNames)}投资合伙企业（有限合伙）", d.Rng.NextInt64(100, 5_000) * 10_000);
            }
        },
        ["EST-EQUITY-COOPERATIVES"] = d =>
        {
            if (d.Holds(0.02, "BUSINESS_EQUITY"))
            {
                d.Add(AssetFactory.CreditCode(ref d.Rng), $"上虞区{d.Rng.Pick<string>(District.Villages)}农产品专业合作社", d.Rng.NextInt64(10, 500) * 10_000);
            }
        },
        ["EST-EQUITY-PLEDGES"] = d =>
        {
            foreach (var holding in d.Twin("BUSINESS_EQUITY"))
            {
                if (d.Rng.Chance(0.2))
                {
                    var record = d.Add(d.Rng.Digits("ZY", 10), "股权出质：" + holding.Description);
                    record.Attributes.Add("company", holding.Reference);
                    record.Attributes.Add("pledgee", d.Rng.Pick<string>(Banks));
                }
            }
        },
        ["EST-EQUITY-OFFICES"] = d =>
        {
            foreach (var holding in d.Twin("BUSINESS_EQUITY"))
            {
                if (d.Rng.Chance(0.5))
                {
                    var record = d.Add(holding.Reference, holding.Description);
                    record.Attributes.Add("office", d.Rng.Pick(["法定代表人", "执行董事", "监事"]));
                }
            }
        },

        // Debts.
        ["EST-DEBT-JUDGMENTS"] = d =>
        {
            if (d.Holds(0.02))
            {
                DebtCase(d, "民初", "生效判决未履行：民间借贷纠纷", d.Rng.NextInt64(10_000, 500_000) * 100);
            }
        },
        ["EST-DEBT-ENFORCEMENT"] = d =>
        {
            // The debtor persona is a judgment debtor of the seeded enforcement case.
            if (d.Subject.Persona?.HasTag("debtor") == true)
            {
                var record = d.Add("(2024)浙0604执1234号", "被执行案件：金融借款合同纠纷", 286_000_000);
                record.Attributes.Add("direction", "DEBT");
                record.Attributes.Add("state", "执行中");
            }
            else if (d.Holds(0.02))
            {
                DebtCase(d, "执", "被执行案件", d.Rng.NextInt64(10_000, 500_000) * 100);
            }
        },
        ["EST-DEBT-DISHONEST"] = d =>
        {
            if (d.Holds(0.005))
            {
                d.Add($"({d.Rng.Next(2019, 2025)})浙0604执{d.Rng.Next(1, 9000)}号", "失信被执行人（有履行能力而拒不履行）");
            }
        },
        ["EST-DEBT-PENDING-LAWSUITS"] = d =>
        {
            if (d.Holds(0.02))
            {
                DebtCase(d, "民初", "未审结诉讼：买卖合同纠纷", d.Rng.NextInt64(5_000, 200_000) * 100);
            }
        },
        ["EST-DEBT-BANK-LOANS"] = d =>
        {
            if (d.Holds(0.2, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("DK", 16), d.Rng.Pick(["个人住房贷款", "个人消费贷款", "个人经营性贷款"]), d.Rng.NextInt64(10_000, 1_000_000) * 100);
                record.Attributes.Add("direction", "DEBT");
                record.Attributes.Add("accountNumber", record.Reference);
            }
        },
        ["EST-DEBT-CREDIT-CARDS"] = d =>
        {
            if (d.Holds(0.3, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("6259", 12), "信用卡透支余额", d.Rng.NextInt64(10_000, 5_000_000));
                record.Attributes.Add("direction", "DEBT");
                record.Attributes.Add("cardNumber", record.Reference);
            }
        },
        ["EST-DEBT-GUARANTEES"] = d =>
        {
            if (d.Holds(0.05, "DEPOSIT"))
            {
                var record = d.Add(d.Rng.Digits("DB", 14), "为他人贷款提供连带责任保证", d.Rng.NextInt64(5_000, 100_000) * 100);
                record.Attributes.Add("direction", "CONTINGENT");
            }
        },
        ["EST-DEBT-NOTARISED-CLAIMS"] = d =>
        {
            if (d.Holds(0.01))
            {
                var record = d.Add($"({d.Rng.Next(2018, 2025)})浙绍上证经字第{d.Rng.Next(1, 3000)}号", "赋予强制执行效力的借款合同公证", d.Rng.NextInt64(5_000, 300_000) * 100);
                record.Attributes.Add("direction", "DEBT");
            }
        },
        ["EST-DEBT-MEDIATION"] = d =>
        {
            if (d.Holds(0.01))
            {
                var record = d.Add($"上虞调字〔{d.Rng.Next(2019, 2025)}〕{d.Rng.Next(1, 900)}号", "人民调解协议：分期给付", d.Rng.NextInt64(1_000, 50_000) * 100);
                record.Attributes.Add("direction", "DEBT");
            }
        },
        ["EST-DEBT-ENV-PENALTIES"] = d => RestateWhere(d, "ENVIRONMENTAL_PENALTY", _ => true, debt: true),

        // Wills and notarial records of the district notary office.
        ["EST-WILL-NOTARISED"] = d =>
        {
            // The deceased persona made a will at the main office (its content is not shared).
            var hasWill = d.Death is not null ? d.Unit.Id == "notary-shangyu" : d.Subject.BirthDate.Year < 1960 && d.Rng.Chance(0.03);
            if (hasWill)
            {
                var made = d.DateBetween(d.LastDay.AddYears(-8), d.LastDay.AddYears(-1));
                var record = d.Add($"({made.Year})浙绍上证民字第{d.Rng.Next(1, 3000)}号", "公证遗嘱");
                record.Attributes.Add("madeOn", EstateDraw.Date(made));
                record.Attributes.Add("office", d.Unit.Definition.Name);
            }
        },
        ["EST-WILL-DEPOSITED"] = d =>
        {
            if (d.Subject.BirthDate.Year < 1960 && d.Holds(0.02))
            {
                d.Add(d.Rng.Digits("YZBG", 8), "遗嘱保管（密封）");
            }
        },
        ["EST-WILL-CONTENT"] = d =>
        {
            if (d.Death is not null && d.Unit.Id == "notary-shangyu")
            {
                d.Add(d.Rng.Digits("YZ", 8), "遗嘱内容（继承人到场后开启）");
            }
        },
        ["EST-WILL-MARITAL-PROPERTY"] = d =>
        {
            if (d.Subject.RelativesOf("spouse").Any() && d.Holds(0.01))
            {
                d.Add($"({d.Rng.Next(2005, 2025)})浙绍上证民字第{d.Rng.Next(1, 3000)}号", "夫妻财产约定公证");
            }
        },
        ["EST-WILL-LEGACY-SUPPORT"] = d =>
        {
            if (d.Holds(0.005))
            {
                d.Add($"({d.Rng.Next(2005, 2025)})浙绍上证民字第{d.Rng.Next(1, 3000)}号", "遗赠扶养协议公证");
            }
        },
        ["EST-WILL-RENUNCIATIONS"] = d =>
        {
            if (d.Holds(0.01))
            {
                d.Add($"({d.Rng.Next(2005, 2025)})浙绍上证民字第{d.Rng.Next(1, 3000)}号", "放弃继承权声明书公证");
            }
        },
        ["EST-WILL-PRIOR-ESTATES"] = d =>
        {
            // Someone whose parents died may have inherited from them through this office.
            var parentDied = d.Subject.RelativesOf("parent").Where(p => p.DiedOn is not null).Select(p => p.DiedOn!.Value).DefaultIfEmpty().Max();
            if (parentDied != default && d.Unit.Id == "notary-shangyu" && d.Rng.Chance(0.5))
            {
                var notarised = parentDied.AddDays(d.Rng.Next(30, 400));
                var record = d.Add($"({notarised.Year})浙绍上证民字第{d.Rng.Next(1, 3000)}号", "继承权公证（被继承人：父母）");
                record.Attributes.Add("notarisedOn", EstateDraw.Date(notarised));
            }
        },
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Codes of every estate item the simulator can draw.</summary>
    public static IEnumerable<string> Codes => Generators.Keys;

    /// <summary>Draws <see cref="EstateDraw.Code"/>'s records into <see cref="EstateDraw.Output"/>.</summary>
    /// <returns>False when the simulator has no generator for the code.</returns>
    public static bool TryDraw(EstateDraw draw)
    {
        if (!Generators.TryGetValue(draw.Code, out var generate))
        {
            return false;
        }

        generate(draw);
        return true;
    }

    private static void Relatives(EstateDraw d, string relationship)
    {
        foreach (var relative in d.Subject.RelativesOf(relationship))
        {
            d.AddRelative(relative);
        }
    }

    private static void RestateAll(EstateDraw d, string assetKind)
    {
        foreach (var twin in d.Twin(assetKind))
        {
            d.Restate(twin);
        }
    }

    private static void RestateWhere(EstateDraw d, string assetKind, Func<Asset, bool> keep, bool debt)
    {
        foreach (var twin in d.Twin(assetKind).Where(keep))
        {
            var asset = d.Restate(twin);
            asset.Attributes["direction"] = debt ? "DEBT" : "ASSET";
        }
    }

    /// <param name="reference">The registration's own number: a court's ruling for a seal, a registry number otherwise.</param>
    private static void Encumbrances(EstateDraw d, string assetKind, string flag, string prefix, Func<EstateDraw, string> reference)
    {
        foreach (var thing in d.Twin(assetKind).Where(t => t.Flags.Contains(flag)))
        {
            var record = d.Add(reference(d), prefix + thing.Description);
            record.Attributes.Add("on", thing.Reference);
            record.Flags.Add(flag);
        }
    }

    private static string SealRuling(EstateDraw d) => $"({d.Rng.Next(2019, 2025)})浙0604执保{d.Rng.Next(1, 900)}号";

    private static void DebtCase(EstateDraw d, string caseType, string description, long cents)
    {
        var record = d.Add($"({d.Rng.Next(2019, 2025)})浙0604{caseType}{d.Rng.Next(1, 9000)}号", description, cents);
        record.Attributes.Add("direction", "DEBT");
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}
