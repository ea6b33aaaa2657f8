using System.Globalization;
using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Api;
using DataGateway.Features.Matters;
using DataGateway.Features.Units;
using Google.Protobuf.WellKnownTypes;

namespace DataGateway.Features.Sla;

/// <summary>
/// The period a scorecard covers, and the moment its figures are taken at: min(to, now). A live period (no explicit end)
/// ends at now and includes it, so what happened this very moment counts; an explicit end is exclusive.
/// </summary>
internal sealed record SlaWindow(DateTimeOffset From, DateTimeOffset To, DateTimeOffset AsOf, bool Live = false)
{
    public long FromMs => From.ToUnixTimeMilliseconds();

    /// <summary>The exclusive end the SQL filters by.</summary>
    public long ToMs => To.ToUnixTimeMilliseconds() + (Live ? 1 : 0);

    public long AsOfMs => AsOf.ToUnixTimeMilliseconds();
}

/// <summary>
/// Scorecards from durable records only: query outcomes from sla_unit_minutes (this replica's latest counts are written
/// first, so the figures are live), matter figures from the matters table, so they are the same on every replica and
/// after a restart. Two differences between replicas remain, both documented: queries another replica counted since its
/// last flush appear within <see cref="SlaOptions.OutcomeFlushIntervalMs"/>, and the circuit state is each replica's
/// own live breaker.
/// </summary>
internal sealed partial class ScorecardService(
    UnitCatalog catalog,
    SlaStore slaStore,
    IMatterStore matters,
    UnitOutcomeRecorder recorder,
    UnitPipelines pipelines,
    SlaOptions options,
    TimeProvider timeProvider,
    ILogger<ScorecardService> logger)
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;
    private const int MaxDays = 366;

    public async Task<ListUnitScorecardsResponse> ListAsync(ClaimsPrincipal user, ListUnitScorecardsRequest request, CancellationToken cancellationToken)
    {
        var window = Window(request.Days, request.Period);
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw ApiErrors.InvalidArgument("pageSize", $"must be between 1 and {MaxPageSize} (or 0 for the default {DefaultPageSize})");
        }

        UnitKind? kind = null;
        if (request.Kind.Length > 0)
        {
            kind = UnitKinds.TryParse(request.Kind, out var parsed)
                ? parsed
                : throw ApiErrors.InvalidArgument("kind", $"unknown unit kind '{request.Kind}'; known kinds: {string.Join(", ", System.Enum.GetNames<UnitKind>())}");
        }

        var scope = SlaScope.Of(user, catalog);
        var cards = await ScorecardsAsync(scope, window, cancellationToken);
        var listed = cards
            .Where(c => kind is null || c.UnitKind == kind.ToString())
            .Where(c => request.IncludeIdle || c.QueriesAsked > 0 || c.MattersFiled > 0)
            .OrderBy(c => c, WorstFirst.Instance)
            .ToList();

        var offset = ParsePageToken(request.PageToken, listed.Count);
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var end = Math.Min(offset + size, listed.Count);
        var response = new ListUnitScorecardsResponse
        {
            TotalSize = listed.Count,
            From = Timestamp.FromDateTimeOffset(window.From),
            To = Timestamp.FromDateTimeOffset(window.To),
            DistrictWide = scope.DistrictWide,
            NextPageToken = end < listed.Count ? end.ToString(CultureInfo.InvariantCulture) : string.Empty,
        };
        response.Scorecards.AddRange(listed.Skip(offset).Take(end - offset));
        return response;
    }

    public async Task<GetUnitScorecardResponse> GetAsync(ClaimsPrincipal user, GetUnitScorecardRequest request, CancellationToken cancellationToken)
    {
        var unit = VisibleUnit(user, request.UnitId, "unitId");
        var window = Window(request.Days, request.Period);
        await FlushAsync(cancellationToken);
        var ids = new[] { unit.Id };
        var queries = await slaStore.QueryFiguresAsync(window.FromMs, window.ToMs, ids, cancellationToken);
        var matterFigures = await matters.FiguresAsync(window.FromMs, window.ToMs, window.AsOfMs, ids, cancellationToken);
        var response = new GetUnitScorecardResponse
        {
            Scorecard = Build(unit, queries.GetValueOrDefault(unit.Id) ?? QueryFigures.Empty, matterFigures.GetValueOrDefault(unit.Id) ?? MatterFigures.Empty),
            From = Timestamp.FromDateTimeOffset(window.From),
            To = Timestamp.FromDateTimeOffset(window.To),
        };

        var dailyQueries = await slaStore.DailyQueryFiguresAsync(unit.Id, window.FromMs, window.ToMs, cancellationToken);
        var dailyMatters = await matters.DailyFiguresAsync(unit.Id, window.FromMs, window.ToMs, window.AsOfMs, cancellationToken);
        var firstDay = SlaStore.DayNumberOf(window.FromMs);
        var lastDay = SlaStore.DayNumberOf(window.ToMs - 1);
        for (var day = firstDay; day <= lastDay; day++)
        {
            var q = dailyQueries.GetValueOrDefault(day) ?? QueryFigures.Empty;
            var m = dailyMatters.GetValueOrDefault(day) ?? MatterFigures.Empty;
            var point = new SlaTrendPoint
            {
                Date = SlaStore.DateOfDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                QueriesAsked = q.Asked,
                QueriesAnswered = q.Answered,
                MattersDue = m.Due,
                MattersAnswered = m.Answered,
                MattersOnTime = m.OnTime,
            };
            if (m.Due > 0)
            {
                point.FeedbackRate = (double)m.Answered / m.Due;
                point.OnTimeRate = (double)m.OnTime / m.Due;
            }

            response.Trend.Add(point);
        }

        return response;
    }

    public async Task<ListUnitKindScorecardsResponse> KindsAsync(ClaimsPrincipal user, ListUnitKindScorecardsRequest request, CancellationToken cancellationToken)
    {
        var window = Window(request.Days, request.Period);
        var scope = SlaScope.Of(user, catalog);
        var units = UnitsOf(scope);
        await FlushAsync(cancellationToken);
        var queries = await slaStore.QueryFiguresAsync(window.FromMs, window.ToMs, scope.Filter, cancellationToken);
        var matterFigures = await matters.FiguresAsync(window.FromMs, window.ToMs, window.AsOfMs, scope.Filter, cancellationToken);
        var response = new ListUnitKindScorecardsResponse
        {
            From = Timestamp.FromDateTimeOffset(window.From),
            To = Timestamp.FromDateTimeOffset(window.To),
        };
        var cards = units
            .GroupBy(u => u.Kind)
            .Select(group =>
            {
                var q = group.Select(u => queries.GetValueOrDefault(u.Id) ?? QueryFigures.Empty).Aggregate(QueryFigures.Empty, (a, b) => a.Plus(b));
                var m = group.Select(u => matterFigures.GetValueOrDefault(u.Id) ?? MatterFigures.Empty).Aggregate(MatterFigures.Empty, (a, b) => a.Plus(b));
                var card = Figures(q, m);
                card.UnitKind = group.Key.ToString();
                card.UnitName = catalog.KindOf(group.Key).NameZh;
                card.UnitCount = group.Count();
                return card;
            })
            .OrderBy(c => c, WorstFirst.Instance);
        response.Scorecards.AddRange(cards);
        return response;
    }

    public async Task<ListOverdueMattersResponse> OverdueAsync(ClaimsPrincipal user, ListOverdueMattersRequest request, CancellationToken cancellationToken)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw ApiErrors.InvalidArgument("pageSize", $"must be between 1 and {MaxPageSize} (or 0 for the default {DefaultPageSize})");
        }

        IReadOnlyCollection<string>? filter;
        if (request.UnitId.Length > 0)
        {
            filter = [VisibleUnit(user, request.UnitId, "unitId").Id];
        }
        else
        {
            filter = SlaScope.Of(user, catalog).Filter;
        }

        var now = timeProvider.GetUtcNow();
        var response = new ListOverdueMattersResponse();
        if (filter is { Count: 0 })
        {
            return response;
        }

        var (overdue, total) = await matters.OverdueAsync(now.ToUnixTimeMilliseconds(), filter, request.PageSize == 0 ? DefaultPageSize : request.PageSize, cancellationToken);
        response.TotalSize = total;
        foreach (var matter in overdue)
        {
            response.Matters.Add(new OverdueMatter
            {
                MatterId = matter.MatterId,
                UnitId = matter.UnitId,
                UnitName = catalog.TryGetUnit(matter.UnitId, out var unit) ? unit.Name : string.Empty,
                UnitKind = matter.UnitKind,
                Action = MatterValidator.ActionOf(matter.Action),
                CaseNumber = matter.CaseNumber,
                FiledAt = MatterContract.TimestampOf(matter.FiledAtMs),
                Deadline = MatterContract.TimestampOf(matter.DeadlineMs),
                Delivered = matter.DeliveredAtMs is not null,
                DaysOverdue = (int)((now.ToUnixTimeMilliseconds() - matter.DeadlineMs) / 86_400_000),
            });
        }

        return response;
    }

    /// <summary>The period asked for: [from, to) if given, else the last <paramref name="days"/> (default from settings) up to now.</summary>
    public SlaWindow Window(int days, SlaPeriod? period)
    {
        if (days is < 0 or > MaxDays)
        {
            throw ApiErrors.InvalidArgument("days", $"must be between 1 and {MaxDays} (or 0 for the default {options.DefaultPeriodDays})");
        }

        var now = timeProvider.GetUtcNow();
        var to = period?.To is { } t ? t.ToDateTimeOffset() : now;
        var length = TimeSpan.FromDays(days == 0 ? options.DefaultPeriodDays : days);
        var from = period?.From is { } f ? f.ToDateTimeOffset() : to - length;
        if (from >= to)
        {
            throw ApiErrors.InvalidArgument("period.from", "must be before period.to");
        }

        if (to - from > TimeSpan.FromDays(MaxDays))
        {
            throw ApiErrors.InvalidArgument("period", $"must be at most {MaxDays} days long");
        }

        return new SlaWindow(from, to, to < now ? to : now, Live: period?.To is null);
    }

    private async Task<List<Scorecard>> ScorecardsAsync(SlaScope scope, SlaWindow window, CancellationToken cancellationToken)
    {
        var units = UnitsOf(scope);
        if (units.Count == 0)
        {
            return [];
        }

        await FlushAsync(cancellationToken);
        var queries = await slaStore.QueryFiguresAsync(window.FromMs, window.ToMs, scope.Filter, cancellationToken);
        var matterFigures = await matters.FiguresAsync(window.FromMs, window.ToMs, window.AsOfMs, scope.Filter, cancellationToken);
        return [.. units.Select(u => Build(u, queries.GetValueOrDefault(u.Id) ?? QueryFigures.Empty, matterFigures.GetValueOrDefault(u.Id) ?? MatterFigures.Empty))];
    }

    private List<UnitDefinition> UnitsOf(SlaScope scope) =>
        scope.DistrictWide ? [.. catalog.Units] : [.. catalog.Units.Where(u => scope.UnitIds.Contains(u.Id))];

    private UnitDefinition VisibleUnit(ClaimsPrincipal user, string unitId, string field)
    {
        if (string.IsNullOrEmpty(unitId))
        {
            throw ApiErrors.InvalidArgument(field, "is required");
        }

        if (!catalog.TryGetUnit(unitId, out var unit))
        {
            throw ApiErrors.NotFound(field, $"no unit '{unitId}' in the catalog");
        }

        return SlaScope.Of(user, catalog).Covers(unit.Id)
            ? unit
            : throw ApiErrors.PermissionDenied($"unit '{unit.Id}' is not one of the units your token names (unit_id), and your token is not district-wide");
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recorder.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The stored figures are still worth showing; the unwritten counts follow with the next flush.
            Log.FiguresNotLive(logger, ex);
        }
    }

    private Scorecard Build(UnitDefinition unit, QueryFigures queries, MatterFigures matterFigures)
    {
        var card = Figures(queries, matterFigures);
        card.UnitId = unit.Id;
        card.UnitName = unit.Name;
        card.UnitKind = unit.Kind.ToString();
        card.UnitCount = 1;
        card.CircuitState = pipelines.CircuitOf(unit) switch
        {
            Polly.CircuitBreaker.CircuitState.Open => "OPEN",
            Polly.CircuitBreaker.CircuitState.HalfOpen => "HALF_OPEN",
            Polly.CircuitBreaker.CircuitState.Isolated => "ISOLATED",
            _ => "CLOSED",
        };
        return card;
    }

    private static Scorecard Figures(QueryFigures q, MatterFigures m)
    {
        var card = new Scorecard
        {
            QueriesAsked = q.Asked,
            QueriesAnswered = q.Answered,
            QueriesTimedOut = q.TimedOut,
            QueriesFailed = q.Failed,
            MattersFiled = m.Filed,
            MattersDue = m.Due,
            MattersAnswered = m.Answered,
            MattersOnTime = m.OnTime,
            MattersOverdue = m.Overdue,
            MattersLate = m.Late,
        };
        if (q.Asked > 0)
        {
            card.ResponseRate = (double)q.Answered / q.Asked;
        }

        if (LatencyBuckets.Percentile(q.Buckets, 0.50, q.LatencyMaxMs) is { } p50)
        {
            card.LatencyP50Ms = p50;
        }

        if (LatencyBuckets.Percentile(q.Buckets, 0.95, q.LatencyMaxMs) is { } p95)
        {
            card.LatencyP95Ms = p95;
        }

        if (m.Due > 0)
        {
            card.FeedbackRate = (double)m.Answered / m.Due;
            card.OnTimeRate = (double)m.OnTime / m.Due;
        }

        return card;
    }

    private static int ParsePageToken(string token, int count)
    {
        if (token.Length == 0)
        {
            return 0;
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= count
            ? offset
            : throw ApiErrors.InvalidArgument("pageToken", "is not a token this API returned");
    }

    /// <summary>Worst feedback rate first; nothing due goes last; then worst on-time rate, most overdue, worst response rate, id.</summary>
    private sealed class WorstFirst : IComparer<Scorecard>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare(Scorecard? x, Scorecard? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? 1 : -1;
            }

            var byFeedback = CompareRates(x.HasFeedbackRate ? x.FeedbackRate : null, y.HasFeedbackRate ? y.FeedbackRate : null);
            if (byFeedback != 0)
            {
                return byFeedback;
            }

            var byOnTime = CompareRates(x.HasOnTimeRate ? x.OnTimeRate : null, y.HasOnTimeRate ? y.OnTimeRate : null);
            if (byOnTime != 0)
            {
                return byOnTime;
            }

            var byOverdue = y.MattersOverdue.CompareTo(x.MattersOverdue);
            if (byOverdue != 0)
            {
                return byOverdue;
            }

            var byResponse = CompareRates(x.HasResponseRate ? x.ResponseRate : null, y.HasResponseRate ? y.ResponseRate : null);
            return byResponse != 0 ? byResponse : string.CompareOrdinal(x.UnitId + x.UnitKind, y.UnitId + y.UnitKind);
        }

        private static int CompareRates(double? x, double? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => x.Value.CompareTo(y.Value),
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Scorecards read without this replica's latest query counts")]
        public static partial void FiguresNotLive(ILogger logger, Exception exception);
    }
}
