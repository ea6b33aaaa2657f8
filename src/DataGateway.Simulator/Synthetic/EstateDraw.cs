using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Simulator.Units;

namespace DataGateway.Simulator.Synthetic;

/// <summary>
/// One estate item drawn for one subject at one unit: the subject's facts, a random stream of the item's own (so asking
/// for one item answers exactly as asking for all does), and the records drawn so far.
/// </summary>
internal sealed class EstateDraw(SimulatedUnit unit, EstateSubject subject, string code, EstateDraw.TwinSource twins)
{
    /// <summary>What a unit answers for an asset kind (the enforcement answer an estate item restates).</summary>
    public delegate IReadOnlyList<Asset> TwinSource(string unitId, string assetKind);

    /// <summary>The item's own stream; a field, so draws advance it in place.</summary>
    public SyntheticRandom Rng;

    public SimulatedUnit Unit { get; } = unit;

    public EstateSubject Subject { get; } = subject;

    public string Code { get; } = code;

    public DeathDetails? Death => Subject.Death;

    public List<Asset> Output { get; } = [];

    /// <summary>What this unit answers for <paramref name="assetKind"/>, e.g. the real-estate titles behind EST-RE-UNITS.</summary>
    public IReadOnlyList<Asset> Twin(string assetKind) => twins(Unit.Id, assetKind);

    /// <summary>What another unit answers for <paramref name="assetKind"/>.</summary>
    public IReadOnlyList<Asset> TwinAt(string unitId, string assetKind) => twins(unitId, assetKind);

    /// <summary>
    /// Whether the subject holds this item here: a draw at <paramref name="chance"/> for anyone drawn at random; for a
    /// persona with fixed holdings, only where it holds <paramref name="anchorKind"/> (at this unit, or
    /// <paramref name="anywhere"/>) and the draw agrees, so a persona that holds nothing holds nothing here either.
    /// </summary>
    public bool Holds(double chance, string? anchorKind = null, bool anywhere = false)
    {
        var draw = Rng.Chance(chance);
        if (Subject.Plan is not { } plan)
        {
            return draw;
        }

        return draw && anchorKind is not null && (anywhere ? plan.HoldsAnywhere(anchorKind) : plan.Holds(Unit, anchorKind));
    }

    /// <summary>Adds a record of this item.</summary>
    /// <param name="cents">The amount in fen; null for a record without one.</param>
    public Asset Add(string reference, string description, long? cents = null)
    {
        var asset = new Asset { DataItem = Code, Reference = reference, Description = description };
        if (cents is { } value)
        {
            asset.AmountYuan = AssetFactory.Yuan(value);
        }

        Output.Add(asset);
        return asset;
    }

    /// <summary>Adds a restated record of another item (a twin), labelled with this item.</summary>
    public Asset Restate(Asset twin)
    {
        var asset = twin.Clone();
        asset.AssetKind = string.Empty;
        asset.DataItem = Code;
        Output.Add(asset);
        return asset;
    }

    /// <summary>Adds one relative as the kinship items carry them (see the unit contract's data_items).</summary>
    public Asset AddRelative(Relative relative)
    {
        var asset = Add(relative.IdNumber, relative.Name);
        asset.Attributes.Add("relationship", relative.Relationship);
        asset.Attributes.Add("status", relative.Alive ? "ALIVE" : "DECEASED");
        asset.Attributes.Add("birthDate", Date(relative.BirthDate));
        asset.Attributes.Add("sex", relative.Male ? "男" : "女");
        if (relative.DiedOn is { } diedOn)
        {
            asset.Attributes.Add("diedOn", Date(diedOn));
        }

        return asset;
    }

    /// <summary>A date in [<paramref name="from"/>, <paramref name="to"/>), or <paramref name="from"/> when the range is empty.</summary>
    public DateOnly DateBetween(DateOnly from, DateOnly to) =>
        to.DayNumber > from.DayNumber ? from.AddDays(Rng.Next(to.DayNumber - from.DayNumber)) : from;

    /// <summary>The last day the subject could have done something: their death, or the reference date.</summary>
    public DateOnly LastDay => Death?.DiedOn ?? EstateSubject.ReferenceDate;

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Year(DateOnly date) => date.Year.ToString(CultureInfo.InvariantCulture);
}
