using DataGateway.Contracts.V1;
using DataGateway.Domain.Subjects;
using DataGateway.Simulator.Matters;
using DataGateway.Simulator.Synthetic;
using DataGateway.Simulator.Units;
using Grpc.Core;

namespace DataGateway.Simulator;

/// <summary>
/// The AgencyService every hosted unit serves: validate, apply the unit's fault, wait its latency, answer synthetic assets.
/// </summary>
internal sealed class SimulatedAgencyService(
    UnitDirectory units,
    SyntheticAssets assets,
    SimulatorStats stats,
    TimeProvider timeProvider,
    MatterDesk matters,
    CancellationToken stopping) : AgencyService.AgencyServiceBase
{
    /// <summary>Takes a matter for the unit, under the unit's fault like a query; its answer comes later (see <see cref="MatterDesk"/>).</summary>
    public override async Task<AcceptMatterResponse> AcceptMatter(AcceptMatterRequest request, ServerCallContext context)
    {
        if (!units.TryGet(request.UnitId, out var unit))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"unit_id: unit '{request.UnitId}' is not hosted by this simulator."));
        }

        var fault = unit.Fault;
        switch (fault.Decide())
        {
            case CallOutcome.Refuse:
                throw new RpcException(new Status(StatusCode.Unavailable, "unit down"));
            case CallOutcome.Hang:
                using (var hang = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, hang.Token).ConfigureAwait(false);
                }

                break;
            case CallOutcome.TransientFailure:
                throw new RpcException(new Status(StatusCode.Unavailable, "simulated transient failure"));
            case CallOutcome.Failure:
                throw new RpcException(new Status(StatusCode.Internal, "simulated failure"));
        }

        if (fault.Latency > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
            await LatencyAsync(fault.Latency, wait.Token).ConfigureAwait(false);
        }

        return matters.Accept(unit, request);
    }

    public override async Task<AnswerQueryResponse> AnswerQuery(AnswerQueryRequest request, ServerCallContext context)
    {
        if (!units.TryGet(request.UnitId, out var unit))
        {
            throw new RpcException(new Status(
                StatusCode.NotFound,
                string.IsNullOrEmpty(request.UnitId)
                    ? "unit_id is required."
                    : $"unit_id: unit '{request.UnitId}' is not hosted by this simulator."));
        }

        if (request.Purpose is null
            || request.Purpose.BasisCase == Purpose.BasisOneofCase.None
            || (request.Purpose.BasisCase == Purpose.BasisOneofCase.CaseNumber && request.Purpose.CaseNumber.Length == 0)
            || (request.Purpose.BasisCase == Purpose.BasisOneofCase.NotarialFileNumber && request.Purpose.NotarialFileNumber.Length == 0))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "purpose: a case_number or notarial_file_number is required."));
        }

        var (identifier, organisation) = SubjectOf(request.Subject);

        // Read once: a fault switched while this call runs applies to the next calls, not half of this one.
        var fault = unit.Fault;
        var outcome = fault.Decide();
        if (outcome == CallOutcome.Refuse)
        {
            stats.Refuse(unit);
            throw new RpcException(new Status(StatusCode.Unavailable, "unit down"));
        }

        var latency = outcome == CallOutcome.Hang ? Timeout.InfiniteTimeSpan : fault.Latency;
        if (latency != TimeSpan.Zero)
        {
            await WaitAsync(unit, latency, context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            stats.Enter(unit);
            stats.Exit(unit);
        }

        switch (outcome)
        {
            case CallOutcome.TransientFailure:
                SimulatorStats.Fail(unit);
                throw new RpcException(new Status(StatusCode.Unavailable, "simulated transient failure"));
            case CallOutcome.Failure:
                SimulatorStats.Fail(unit);
                throw new RpcException(new Status(StatusCode.Internal, "simulated failure"));
        }

        return request.DataItems.Count > 0
            ? assets.AnswerItems(unit, identifier, organisation, request.DataItems)
            : assets.Answer(unit, identifier, organisation, request.AssetKinds);
    }

    /// <summary>A unit's latency: on time on the real clock (<see cref="OnTimeDelays"/>), on the test's clock otherwise.</summary>
    private Task LatencyAsync(TimeSpan latency, CancellationToken cancellationToken) =>
        timeProvider == TimeProvider.System
            ? OnTimeDelays.Shared.Delay(latency, cancellationToken)
            : Task.Delay(latency, timeProvider, cancellationToken);

    /// <param name="latency">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> hangs until cancelled.</param>
    private async Task WaitAsync(SimulatedUnit unit, TimeSpan latency, CancellationToken callAborted)
    {
        // Stopping the host ends pending waits at once: a fake clock nobody advances any more must not hold up
        // shutdown until Kestrel's timeout.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(callAborted, stopping);

        // The timer is registered before the call shows as in flight, so a test that sees it in flight and then
        // advances a fake clock always releases it. A hang needs no timer, nor the clock.
        var wait = latency == Timeout.InfiniteTimeSpan
            ? Task.Delay(Timeout.InfiniteTimeSpan, cancel.Token)
            : LatencyAsync(latency, cancel.Token);
        stats.Enter(unit);
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw callAborted.IsCancellationRequested
                ? new RpcException(new Status(StatusCode.Cancelled, "The caller cancelled the query."))
                : new RpcException(new Status(StatusCode.Unavailable, "The simulator is stopping."));
        }
        finally
        {
            stats.Exit(unit);
        }
    }

    // A real unit refuses a malformed identifier rather than searching for it; messages never repeat the identifier.
    // Only form and check character are checked here: future birth dates are the gateway's to refuse, and a test's
    // fake clock (FakeTimeProvider starts in 2000) must not turn valid subjects away.
    private static (string Identifier, bool Organisation) SubjectOf(Subject? subject)
    {
        switch (subject?.IdentifierCase)
        {
            case Subject.IdentifierOneofCase.IdNumber:
                return ResidentIdNumber.TryValidate(subject.IdNumber, DateOnly.MaxValue, out var id, out var idError)
                    ? (id, false)
                    : throw new RpcException(new Status(StatusCode.InvalidArgument, $"subject.id_number: {idError}."));
            case Subject.IdentifierOneofCase.CreditCode:
                return UnifiedSocialCreditCode.TryValidate(subject.CreditCode, out var code, out var codeError)
                    ? (code, true)
                    : throw new RpcException(new Status(StatusCode.InvalidArgument, $"subject.credit_code: {codeError}."));
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "subject: an id_number or credit_code is required."));
        }
    }
}
