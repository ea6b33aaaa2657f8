using DataGateway.Simulator;

namespace DataGateway.Tests.Simulator;

/// <summary>config/personas.json and the rules every persona must keep.</summary>
public sealed class PersonasTests
{
    private static Personas Shipped => RunningSimulator.Personas;

    [Fact]
    public void ShippedPersonas_Identifiers_PassTheirCheckCharacters()
    {
        Assert.All(Shipped.All, p =>
        {
            if (p.IdNumber is not null)
            {
                Assert.True(TestIdentifiers.IsValidResidentId(p.IdNumber), $"{p.Name}: wrong check character");
                Assert.True(p.IdNumber.StartsWith("330604", StringComparison.Ordinal) || p.IdNumber.StartsWith("330682", StringComparison.Ordinal));
            }
            else
            {
                Assert.True(TestIdentifiers.IsValidCreditCode(p.CreditCode!), $"{p.Name}: wrong check character");
                Assert.StartsWith("91330604", p.CreditCode, StringComparison.Ordinal);
            }

            Assert.All(p.Heirs, h => Assert.True(TestIdentifiers.IsValidResidentId(h.IdNumber), $"{h.Name}: wrong check character"));
        });
    }

    [Fact]
    public void ShippedPersonas_DeceasedPerson_HasSpouseAndTwoChildrenWhoArePersonasToo()
    {
        var deceased = Shipped.WithTag("deceased");

        Assert.NotNull(deceased.DiedOn);
        Assert.Single(deceased.Heirs, h => h.Relationship == "spouse");
        Assert.Equal(2, deceased.Heirs.Count(h => h.Relationship == "child"));
        Assert.All(deceased.Heirs, h =>
        {
            Assert.True(Shipped.TryFind(h.IdNumber, out var heir), $"{h.Name} is not a persona");
            Assert.Equal(h.Name, heir.Name);
            Assert.Contains("heir", heir.Tags);
        });
        Assert.NotEmpty(deceased.Holdings!);
    }

    [Fact]
    public void ShippedPersonas_EveryStory_IsThere()
    {
        Assert.NotNull(Shipped.WithTag("debtor").IdNumber);
        Assert.NotNull(Shipped.WithTag("company").CreditCode);
        Assert.Empty(Shipped.WithTag("no-assets").Holdings!);
    }

    [Fact]
    public void TryFind_LowerCaseCheckCharacter_FindsThePersona()
    {
        var persona = Shipped.All.First(p => p.IdNumber?.EndsWith('X') == true);

        Assert.True(Shipped.TryFind(persona.IdNumber!.ToLowerInvariant(), out var found));
        Assert.Same(persona, found);
    }

    [Fact]
    public void WithTag_NoSuchTag_ThrowsNamingIt()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Shipped.WithTag("astronaut"));

        Assert.Contains("astronaut", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WrongCheckCharacterAndDuplicate_RefusedWithoutRepeatingTheNumber()
    {
        var valid = TestIdentifiers.Person(new DateOnly(1990, 2, 3), 15);
        var wrong = valid[..17] + (valid[17] == '1' ? '2' : '1');
        Persona[] personas =
        [
            new() { IdNumber = valid, Name = "甲" },
            new() { IdNumber = valid, Name = "乙" },
            new() { IdNumber = wrong, Name = "丙" },
            new() { Name = "丁" },
        ];

        var error = Assert.Throws<ArgumentException>(() => Personas.Create(personas));

        Assert.Contains("(乙): the identifier is already used", error.Message, StringComparison.Ordinal);
        Assert.Contains("(丙): idNumber", error.Message, StringComparison.Ordinal);
        Assert.Contains("(丁): exactly one of idNumber and creditCode", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(valid, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PersonaHoldingUnknownAssetKind_RefusedNamingIt()
    {
        var personas = Personas.Create(
            [new Persona { IdNumber = TestIdentifiers.Person(new DateOnly(1990, 2, 3), 15), Name = "甲", Holdings = new Dictionary<string, int> { ["YACHT"] = 1 } }]);
        var options = new SimulatorOptions { GrpcUrl = "http://127.0.0.1:0", HttpUrl = "http://127.0.0.1:0" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => SimulatorHost.StartAsync(options, RunningSimulator.Catalog, personas));

        Assert.Contains("'YACHT'", error.Message, StringComparison.Ordinal);
    }
}
