using System.Collections.Concurrent;
using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Audit;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Minimisation;

/// <summary>
/// The one place responses are cut down to what the caller's roles may see: every <see cref="Asset"/> anywhere in any
/// response message, found by walking the message's descriptor (plans cached per message type). An asset of an item
/// the caller's roles may not see is removed — and a unit answer left with nothing because of it says DENIED; an
/// asset above the caller's full-view sensitivity has its reference and identifying attributes masked.
/// Assets may be shared with the cache, so they are replaced by masked copies, never changed in place.
/// </summary>
internal sealed class ResponseMinimiser(UnitCatalog catalog, IOptions<MinimisationOptions> options)
{
    private enum View
    {
        Full,
        Masked,
        Hidden,
    }

    private readonly ConcurrentDictionary<MessageDescriptor, Plan?> _plans = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, View>> _viewsByRoles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _identifyingAttributes = new(options.Value.IdentifyingAttributes, StringComparer.Ordinal);

    public void Apply(IMessage message, ClaimsPrincipal user)
    {
        if (PlanFor(message.Descriptor) is not { } plan)
        {
            return;
        }

        Walk(message, plan, ViewsFor(user));
    }

    private void Walk(IMessage message, Plan plan, Dictionary<string, View> views)
    {
        foreach (var step in plan.Steps)
        {
            var value = step.Field.Accessor.GetValue(message);
            switch (step)
            {
                case { IsAssets: true }:
                    FilterAssets(message, (RepeatedField<Asset>)value, views, plan);
                    break;
                case { Nested: null }:
                    if (value is Asset single && ViewOf(single, views) != View.Full)
                    {
                        step.Field.Accessor.SetValue(message, ViewOf(single, views) == View.Masked ? Mask(single) : null);
                    }

                    break;
                case { Field.IsRepeated: true }:
                    foreach (IMessage child in (System.Collections.IList)value)
                    {
                        Walk(child, step.Nested!, views);
                    }

                    break;
                default:
                    if (value is IMessage nested)
                    {
                        Walk(nested, step.Nested!, views);
                    }

                    break;
            }
        }
    }

    private void FilterAssets(IMessage owner, RepeatedField<Asset> assets, Dictionary<string, View> views, Plan plan)
    {
        var changed = false;
        for (var i = 0; i < assets.Count && !changed; i++)
        {
            changed = ViewOf(assets[i], views) != View.Full;
        }

        if (!changed)
        {
            return;
        }

        var hidden = new SortedSet<string>(StringComparer.Ordinal);
        var kept = new List<Asset>(assets.Count);
        foreach (var asset in assets)
        {
            switch (ViewOf(asset, views))
            {
                case View.Full:
                    kept.Add(asset);
                    break;
                case View.Masked:
                    kept.Add(Mask(asset));
                    break;
                default:
                    hidden.Add(asset.DataItem);
                    break;
            }
        }

        var hadAssets = assets.Count > 0;
        assets.Clear();
        assets.Add(kept);
        if (hadAssets && kept.Count == 0 && plan.Status is { } status)
        {
            status.Accessor.SetValue(owner, UnitStatus.Denied);
            plan.Detail?.Accessor.SetValue(owner, "your role may not see " + string.Join(", ", hidden));
        }
    }

    private static View ViewOf(Asset asset, Dictionary<string, View> views) =>
        views.TryGetValue(asset.DataItem, out var view) ? view : View.Hidden;

    private Asset Mask(Asset asset)
    {
        var masked = asset.Clone();
        masked.Reference = Masking.MaskReference(asset.Reference);
        foreach (var key in asset.Attributes.Keys)
        {
            if (_identifyingAttributes.Contains(key))
            {
                masked.Attributes[key] = Masking.MaskReference(asset.Attributes[key]);
            }
        }

        return masked;
    }

    /// <summary>Per data item, what a caller with these roles sees; the most generous of their roles wins.</summary>
    private Dictionary<string, View> ViewsFor(ClaimsPrincipal user) =>
        // Every response comes through here: the key is built without LINQ. The roles are read from the claims again
        // (not split out of the key) only for a set not seen before, so a role whose name holds a comma stays one role.
        _viewsByRoles.GetOrAdd(AuditActor.RolesOf(user), static (_, state) => state.self.BuildViews(state.user), (self: this, user));

    private Dictionary<string, View> BuildViews(ClaimsPrincipal user)
    {
        var roles = user.FindAll(GatewayClaimTypes.Roles).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
        var views = new Dictionary<string, View>(StringComparer.Ordinal);
        foreach (var item in catalog.DataItems)
        {
            var view = View.Hidden;
            foreach (var role in roles)
            {
                if (!item.Roles.Contains(role))
                {
                    continue;
                }

                var fullUpTo = options.Value.FullUpTo.TryGetValue(role, out var level) ? level : Sensitivity.L1;
                view = item.Sensitivity <= fullUpTo ? View.Full : (view == View.Full ? View.Full : View.Masked);
                if (view == View.Full)
                {
                    break;
                }
            }

            views[item.Code] = view;
        }

        return views;
    }

    /// <summary>Which fields of a message type lead to assets; null when none do (most messages).</summary>
    private Plan? PlanFor(MessageDescriptor descriptor) => _plans.GetOrAdd(descriptor, d => BuildPlan(d, []));

    private static Plan? BuildPlan(MessageDescriptor descriptor, HashSet<MessageDescriptor> visiting)
    {
        if (!visiting.Add(descriptor))
        {
            return null;
        }

        var steps = new List<Step>();
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsMap)
            {
                continue;
            }

            if (field.MessageType == Asset.Descriptor)
            {
                steps.Add(new Step(field, IsAssets: field.IsRepeated, Nested: null));
            }
            else if (BuildPlan(field.MessageType, visiting) is { } nested)
            {
                steps.Add(new Step(field, IsAssets: false, nested));
            }
        }

        visiting.Remove(descriptor);
        if (steps.Count == 0)
        {
            return null;
        }

        var status = descriptor.FindFieldByName("status");
        var detail = descriptor.FindFieldByName("detail");
        return new Plan(
            [.. steps],
            status is { FieldType: FieldType.Enum } && status.EnumType.FullName == "datagateway.v1.UnitStatus" ? status : null,
            detail?.FieldType == FieldType.String ? detail : null);
    }

    private sealed record Step(FieldDescriptor Field, bool IsAssets, Plan? Nested);

    // An array, not a list interface: walked for every message of every response, without an enumerator to allocate.
    private sealed record Plan(Step[] Steps, FieldDescriptor? Status, FieldDescriptor? Detail);
}
