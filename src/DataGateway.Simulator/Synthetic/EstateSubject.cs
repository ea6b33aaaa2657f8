using System.Globalization;
using System.Text;
using DataGateway.Domain.Subjects;

namespace DataGateway.Simulator.Synthetic;

/// <summary>A relative as the population registers know them.</summary>
/// <param name="Relationship">spouse, child, parent, sibling or grandparent (the unit contract's words).</param>
internal sealed record Relative(string IdNumber, string Name, string Relationship, DateOnly BirthDate, bool Male, DateOnly? DiedOn)
{
    public bool Alive => DiedOn is null;
}

/// <summary>How and when a person died, as the hospital, the funeral home and the police record it.</summary>
internal sealed record DeathDetails(
    DateOnly DiedOn,
    bool AtHospital,
    string Hospital,
    DateOnly CrematedOn,
    DateOnly DeregisteredOn,
    string PoliceStation,
    DateOnly? BuriedOn,
    string? Cemetery);

/// <summary>
/// What the registers hold about one natural person, for the estate items: birth, death, relatives, medical-insurance
/// account. Drawn from the identifier alone (never the unit), so the marriage registry, the police and the medical
/// insurance agree with each other about the same person.
/// </summary>
/// <remarks>
/// A persona's story wins over the draw: its <c>diedOn</c> is the death date (cremation 2–4 days later, household
/// deregistration within the month) and its heirs are its relatives. Anyone else is alive: the simulator only has dead
/// people where a persona says so. Relatives not named by a persona (parents of the elderly, a stranger's family) are
/// drawn, with valid identity numbers.
/// </remarks>
internal sealed class EstateSubject
{
    /// <summary>The day ages are reckoned at: fixed, so the same subject is the same on every run.</summary>
    public static readonly DateOnly ReferenceDate = new(2025, 6, 1);

    private static readonly string[] Surnames =
    [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
        "梁", "宋", "郑", "谢", "韩", "唐", "冯", "董", "沈", "俞", "钱", "金", "潘", "倪", "丁", "魏",
    ];

    private static readonly string[] MaleNames =
    [
        "建国", "国强", "伟", "强", "军", "明", "志华", "海峰", "建华", "文斌", "俊", "磊", "国平", "永康", "立新", "浩",
    ];

    private static readonly string[] FemaleNames =
    [
        "秀英", "丽", "敏", "静", "芳", "美华", "桂英", "玉兰", "红", "燕", "婷", "晓燕", "彩娟", "月琴", "雅琴", "佳怡",
    ];

    private static readonly string[] Hospitals = ["绍兴市上虞人民医院", "绍兴市上虞中医医院", "绍兴市上虞区第二人民医院"];

    private static readonly string[] Cemeteries = ["上虞区凤鸣山公墓", "上虞区舜耕陵园", "上虞区龙山公墓", "上虞区百官公益性公墓"];

    private EstateSubject(string identifier, Persona? persona, PersonaPlan? plan)
    {
        Identifier = identifier;
        Persona = persona;
        Plan = plan;
        BirthDate = DateOnly.ParseExact(identifier.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
        Male = (identifier[16] - '0') % 2 == 1;
    }

    public string Identifier { get; }

    /// <summary>The persona whose story this is; null for anyone else.</summary>
    public Persona? Persona { get; }

    /// <summary>The persona's fixed holdings; null when drawn at random.</summary>
    public PersonaPlan? Plan { get; }

    public DateOnly BirthDate { get; }

    public bool Male { get; }

    public string Surname { get; private set; } = string.Empty;

    /// <summary>How the person died; null while alive.</summary>
    public DeathDetails? Death { get; private set; }

    public IReadOnlyList<Relative> Relatives { get; private set; } = [];

    /// <summary>Enrolled in basic medical insurance, so a personal account exists.</summary>
    public bool MedicalEnrolled { get; private set; }

    public long MedicalAccountCents { get; private set; }

    /// <summary>Medical costs of the last illness still to be reimbursed; 0 when none.</summary>
    public long PendingReimbursementCents { get; private set; }

    public int AgeOn(DateOnly day) =>
        day.Year - BirthDate.Year - (day < BirthDate.AddYears(day.Year - BirthDate.Year) ? 1 : 0);

    /// <summary>The relatives of one relationship, in the registers' order.</summary>
    public IEnumerable<Relative> RelativesOf(string relationship) => Relatives.Where(r => r.Relationship == relationship);

    /// <param name="identifier">A valid resident identity number, canonical.</param>
    public static EstateSubject Create(string identifier, Persona? persona, PersonaPlan? plan)
    {
        var subject = new EstateSubject(identifier, persona, plan);
        Span<byte> seed = stackalloc byte[32];
        SyntheticRandom.Hash("estate-subject"u8, identifier, seed);

        var names = new SyntheticRandom(seed, SyntheticRandom.StableKey("names"));
        subject.Surname = persona?.Name is { Length: > 1 } name ? name[..1] : names.Pick<string>(Surnames);

        if (persona?.DiedOn is { } diedOn)
        {
            var death = new SyntheticRandom(seed, SyntheticRandom.StableKey("death"));
            // Most deaths are certified by a hospital; a persona tagged died-at-home has the police certify it instead.
            var atHospital = !persona.HasTag("died-at-home");
            var hospital = death.Pick<string>(Hospitals);
            var cremated = diedOn.AddDays(death.Next(2, 5));
            var deregistered = diedOn.AddDays(death.Next(8, 26));
            var town = death.Pick<string>(District.Towns);
            var buried = death.Chance(0.7);
            subject.Death = new DeathDetails(
                diedOn,
                atHospital,
                hospital,
                cremated,
                deregistered,
                $"绍兴市公安局上虞区分局{District.TownShortName(town)}派出所",
                buried ? cremated.AddDays(death.Next(7, 61)) : null,
                buried ? death.Pick<string>(Cemeteries) : null);
        }

        var kin = new SyntheticRandom(seed, SyntheticRandom.StableKey("kin"));
        subject.Relatives = persona is { Heirs.Count: > 0 } ? FromStory(subject, persona, ref kin) : Drawn(subject, ref kin);

        var medical = new SyntheticRandom(seed, SyntheticRandom.StableKey("medical"));
        var enrolledDraw = medical.Chance(0.95);
        subject.MedicalEnrolled = plan is not null ? plan.HoldsAnywhere("SOCIAL_INSURANCE") : enrolledDraw;
        subject.MedicalAccountCents = medical.NextInt64(5_000, 800_000);
        var pendingDraw = medical.Chance(0.5);
        subject.PendingReimbursementCents = subject.MedicalEnrolled && subject.Death is not null && pendingDraw
            ? medical.NextInt64(50_000, 2_000_000)
            : 0;
        return subject;
    }

    private static List<Relative> FromStory(EstateSubject subject, Persona persona, ref SyntheticRandom rng)
    {
        var relatives = persona.Heirs
            .Select(h => new Relative(h.IdNumber, h.Name, h.Relationship, BirthOf(h.IdNumber), MaleOf(h.IdNumber), null))
            .ToList();
        if (!relatives.Exists(r => r.Relationship == "parent"))
        {
            relatives.AddRange(Parents(subject, ref rng));
        }

        return relatives;
    }

    private static List<Relative> Drawn(EstateSubject subject, ref SyntheticRandom rng)
    {
        var relatives = new List<Relative>(Parents(subject, ref rng));
        var age = subject.AgeOn(ReferenceDate);
        if (age >= 25 && rng.Chance(0.75))
        {
            var spouseBirth = subject.BirthDate.AddDays(rng.Next(-3 * 365, 3 * 365));
            relatives.Add(Person(ref rng, "spouse", spouseBirth, !subject.Male, rng.Pick<string>(Surnames)));
        }

        if (age >= 27)
        {
            var roll = rng.Next(100);
            var children = roll < 20 ? 0 : roll < 65 ? 1 : 2;
            for (var i = 0; i < children; i++)
            {
                var birth = subject.BirthDate.AddDays(rng.Next(24 * 365, 34 * 365));
                if (birth < ReferenceDate)
                {
                    var male = rng.Chance(0.5);
                    relatives.Add(Person(ref rng, "child", birth, male, subject.Male ? subject.Surname : rng.Pick<string>(Surnames)));
                }
            }
        }

        var siblings = rng.Next(3);
        for (var i = 0; i < siblings; i++)
        {
            var birth = subject.BirthDate.AddDays(rng.Next(-8 * 365, 8 * 365));
            if (birth < ReferenceDate)
            {
                relatives.Add(Person(ref rng, "sibling", birth, rng.Chance(0.5), subject.Surname));
            }
        }

        return relatives;
    }

    // Parents of the elderly have died: a parent who would be 88 or more by the reference date is recorded as dead.
    private static IEnumerable<Relative> Parents(EstateSubject subject, ref SyntheticRandom rng)
    {
        var father = Person(ref rng, "parent", subject.BirthDate.AddDays(-rng.Next(24 * 365, 34 * 365)), true, subject.Surname);
        var mother = Person(ref rng, "parent", subject.BirthDate.AddDays(-rng.Next(21 * 365, 31 * 365)), false, rng.Pick<string>(Surnames));
        var result = new List<Relative>(2);
        foreach (var parent in new[] { father, mother })
        {
            var ageNow = ReferenceDate.Year - parent.BirthDate.Year;
            if (ageNow >= 88)
            {
                var earliest = subject.BirthDate.AddYears(30);
                var span = Math.Max(1, ReferenceDate.DayNumber - 365 - earliest.DayNumber);
                result.Add(parent with { DiedOn = earliest.AddDays(rng.Next(span)) });
            }
            else
            {
                result.Add(parent);
            }
        }

        return result;
    }

    private static Relative Person(ref SyntheticRandom rng, string relationship, DateOnly birth, bool male, string surname)
    {
        var given = male ? rng.Pick<string>(MaleNames) : rng.Pick<string>(FemaleNames);
        return new Relative(IdNumber(ref rng, birth, male), surname + given, relationship, birth, male, null);
    }

    /// <summary>A valid resident identity number: the district's old code for births before 2013, its new one after.</summary>
    public static string IdNumber(ref SyntheticRandom rng, DateOnly birth, bool male)
    {
        var sequence = (rng.Next(1, 500) * 2) - (male ? 1 : 0);
        var first17 = new StringBuilder(18)
            .Append(birth.Year < 2013 ? "330682" : District.AddressCode)
            .Append(birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture))
            .Append(sequence.ToString("D3", CultureInfo.InvariantCulture))
            .ToString();
        return first17 + ResidentIdNumber.ComputeCheckCharacter(first17);
    }

    private static DateOnly BirthOf(string idNumber) =>
        DateOnly.ParseExact(idNumber.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);

    private static bool MaleOf(string idNumber) => (idNumber[16] - '0') % 2 == 1;
}
