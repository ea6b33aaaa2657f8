using DataGateway.Contracts.V1;
using DataGateway.Simulator.Units;
using Google.Protobuf.Collections;

namespace DataGateway.Simulator.Synthetic;

/// <summary>What a unit holds for a subject: the same answer for the same (unit, subject) on every run and machine.</summary>
internal sealed class SyntheticAssets(PersonaPlans plans)
{
    /// <param name="identifier">Canonical identifier (upper-case check character).</param>
    /// <param name="askedKinds">Asset kinds asked; empty asks for every kind the unit answers.</param>
    public AnswerQueryResponse Answer(SimulatedUnit unit, string identifier, bool organisation, RepeatedField<string> askedKinds)
    {
        var response = new AnswerQueryResponse { UnitId = unit.Id };
        if (unit.Kinds.Length == 0)
        {
            return response;
        }

        var plan = plans.Find(identifier);
        Span<byte> seed = stackalloc byte[32];
        var seeded = false;
        foreach (var kind in unit.Kinds)
        {
            if (askedKinds.Count > 0 && !askedKinds.Contains(kind.Code))
            {
                continue;
            }

            if (plan is not null && !plan.Holds(unit, kind.Code))
            {
                continue;
            }

            if (!seeded)
            {
                SyntheticRandom.Hash(unit.IdUtf8, identifier, seed);
                seeded = true;
            }

            // Each kind draws from its own stream, so asking for one kind answers exactly as asking for all does.
            var rng = new SyntheticRandom(seed, kind.Stream);
            var holds = rng.Chance(AssetFactory.HoldingChance(kind.Code, organisation));
            if (plan is null && !holds)
            {
                continue;
            }

            var count = AssetFactory.Count(ref rng, kind.Code);
            for (var i = 0; i < count; i++)
            {
                response.Assets.Add(AssetFactory.Create(ref rng, unit, kind, organisation, i));
            }
        }

        return response;
    }

    /// <summary>
    /// What <paramref name="unit"/> holds for the data items asked (estate inquiries): for each item it serves, in its
    /// catalog order, the records drawn by <see cref="EstateItems"/>; an enforcement item (ENF-*) asked by code answers
    /// as its asset kind does. Only people have estates: an organisation holds no estate item.
    /// </summary>
    /// <param name="identifier">Canonical identifier (upper-case check character).</param>
    public AnswerQueryResponse AnswerItems(SimulatedUnit unit, string identifier, bool organisation, RepeatedField<string> askedItems)
    {
        var response = new AnswerQueryResponse { UnitId = unit.Id };
        EstateSubject? subject = null;
        Span<byte> seed = stackalloc byte[32];
        foreach (var code in unit.Definition.DataItems)
        {
            if (!askedItems.Contains(code))
            {
                continue;
            }

            var served = Array.Find(unit.Kinds, k => k.DataItem == code);
            if (served is not null)
            {
                response.Assets.Add(Answer(unit, identifier, organisation, [served.Code]).Assets);
                continue;
            }

            if (organisation)
            {
                continue;
            }

            if (subject is null)
            {
                plans.Personas.TryFind(identifier, out var persona);
                subject = EstateSubject.Create(identifier, persona, plans.Find(identifier));
                SyntheticRandom.Hash(unit.IdUtf8, identifier, seed);
            }

            var draw = new EstateDraw(unit, subject, code, Twin) { Rng = new SyntheticRandom(seed, SyntheticRandom.StableKey(code)) };
            EstateItems.TryDraw(draw);
            response.Assets.Add(draw.Output);
        }

        return response;

        IReadOnlyList<Asset> Twin(string unitId, string assetKind) =>
            Answer(plans.Units.Get(unitId, nameof(unitId)), identifier, organisation, [assetKind]).Assets;
    }
}
