using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DataGateway.Simulator.Synthetic;

/// <summary>
/// xoshiro256** seeded from SHA-256 of (unit id, subject identifier) and a per-asset-kind stream key.
/// </summary>
/// <remarks>
/// The same subject must hold the same assets on every run, machine and .NET version, so neither
/// <see cref="Random"/> (its seeded algorithm is not a documented contract) nor string.GetHashCode (randomised per
/// process) will do. Draws use integer arithmetic and exact double comparisons only: Math.Log/Exp may differ in the
/// last bit between platforms.
/// </remarks>
internal struct SyntheticRandom
{
    private const int MaxStackIdentifierBytes = 256;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <param name="seed">At least 32 bytes, e.g. a SHA-256 hash.</param>
    /// <param name="stream">Separates independent draws from the same seed (one per asset kind).</param>
    public SyntheticRandom(ReadOnlySpan<byte> seed, ulong stream)
    {
        var mix = stream;
        _s0 = BinaryPrimitives.ReadUInt64LittleEndian(seed) ^ SplitMix(ref mix);
        _s1 = BinaryPrimitives.ReadUInt64LittleEndian(seed[8..]) ^ SplitMix(ref mix);
        _s2 = BinaryPrimitives.ReadUInt64LittleEndian(seed[16..]) ^ SplitMix(ref mix);
        _s3 = BinaryPrimitives.ReadUInt64LittleEndian(seed[24..]) ^ SplitMix(ref mix);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            // The one state xoshiro never leaves; astronomically unlikely from a hash, but cheap to rule out.
            _s0 = 0x9E3779B97F4A7C15UL;
        }
    }

    /// <summary>SHA-256 of UTF-8 <c>first '\n' second</c> into <paramref name="destination"/> (32 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> firstUtf8, string second, Span<byte> destination)
    {
        var length = firstUtf8.Length + 1 + Encoding.UTF8.GetMaxByteCount(second.Length);
        // Identifiers are 18 characters; only a hostile request could need the heap.
        var buffer = length <= MaxStackIdentifierBytes ? stackalloc byte[MaxStackIdentifierBytes] : new byte[length];
        firstUtf8.CopyTo(buffer);
        buffer[firstUtf8.Length] = (byte)'\n';
        var written = firstUtf8.Length + 1 + Encoding.UTF8.GetBytes(second, buffer[(firstUtf8.Length + 1)..]);
        SHA256.HashData(buffer[..written], destination);
    }

    /// <summary>A stable 64-bit key for a string (FNV-1a over UTF-16 code units).</summary>
    public static ulong StableKey(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>0 ≤ result &lt; <paramref name="maxExclusive"/>.</summary>
    public int Next(int maxExclusive) => (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);

    /// <summary><paramref name="minInclusive"/> ≤ result &lt; <paramref name="maxExclusive"/>.</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    /// <summary><paramref name="minInclusive"/> ≤ result &lt; <paramref name="maxExclusive"/>.</summary>
    public long NextInt64(long minInclusive, long maxExclusive) =>
        minInclusive + (long)(NextUInt64() % (ulong)(maxExclusive - minInclusive));

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool Chance(double probability) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < probability;

    // A span, so call sites can pass a literal list without allocating an array per draw.
    public T Pick<T>(ReadOnlySpan<T> items) => items[Next(items.Length)];

    public char Digit() => (char)('0' + Next(10));

    /// <summary>A string of <paramref name="count"/> decimal digits after <paramref name="prefix"/>.</summary>
    public string Digits(string prefix, int count)
    {
        Span<char> chars = stackalloc char[prefix.Length + count];
        prefix.CopyTo(chars);
        for (var i = prefix.Length; i < chars.Length; i++)
        {
            chars[i] = Digit();
        }

        return new string(chars);
    }

    /// <summary>A date in [<paramref name="from"/>, <paramref name="from"/> + <paramref name="days"/>).</summary>
    public DateOnly Date(DateOnly from, int days) => from.AddDays(Next(days));

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
