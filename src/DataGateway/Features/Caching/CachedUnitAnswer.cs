using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using DataGateway.Contracts.V1;
using Google.Protobuf;
using Microsoft.Extensions.Caching.Hybrid;

namespace DataGateway.Features.Caching;

/// <summary>
/// A unit's answer as cached, with when the unit gave it. Marked immutable so HybridCache hands out the same instance
/// from L1 instead of deserialising a copy per hit: nothing may mutate <see cref="Response"/> or its assets
/// (responses are built by adding the same Asset instances, never by changing them).
/// </summary>
[ImmutableObject(true)]
internal sealed class CachedUnitAnswer(AnswerQueryResponse response, DateTimeOffset fetchedAt)
{
    public AnswerQueryResponse Response { get; } = response;

    public DateTimeOffset FetchedAt { get; } = fetchedAt;
}

/// <summary>Binary form for L2: 8 bytes of UTC ticks, then the protobuf message.</summary>
internal sealed class CachedUnitAnswerSerializer : IHybridCacheSerializer<CachedUnitAnswer>
{
    public CachedUnitAnswer Deserialize(ReadOnlySequence<byte> source)
    {
        Span<byte> header = stackalloc byte[8];
        source.Slice(0, 8).CopyTo(header);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(header);
        var response = AnswerQueryResponse.Parser.ParseFrom(source.Slice(8));
        return new CachedUnitAnswer(response, new DateTimeOffset(ticks, TimeSpan.Zero));
    }

    public void Serialize(CachedUnitAnswer value, IBufferWriter<byte> target)
    {
        BinaryPrimitives.WriteInt64LittleEndian(target.GetSpan(8), value.FetchedAt.UtcTicks);
        target.Advance(8);
        value.Response.WriteTo(target);
    }
}
