using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>One hostile request; <see cref="MayBeServed"/> when the input is odd but valid (an unknown query parameter).</summary>
internal sealed record FuzzCase(string Label, RawRequest Request, bool MayBeServed = false);

/// <summary>
/// Hostile inputs for a route, by category. Every case is deterministic (random ones come from a seeded
/// <see cref="Random"/>, the seed shown in the label), and every case derived from a valid body is made invalid,
/// so none may be served: a served one would change the audit trail, the registry or call a unit, which the test sees.
/// </summary>
internal static class FuzzCases
{
    public const string PathAndQuery = "path-and-query";
    public const string MalformedJson = "malformed-json";
    public const string WrongTypes = "wrong-types";
    public const string UnknownFields = "unknown-fields";
    public const string HugeValues = "huge-values";
    public const string DeepNesting = "deep-nesting";
    public const string RandomBytes = "random-bytes";
    public const string RandomJson = "random-json";
    public const string ContentTypes = "content-types";

    private const int HugeLength = 100 * 1024;
    private const int RandomCases = 60;
    private const string Json = "application/json";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Path and query values as sent on the wire (percent-encoded where they are).</summary>
    private static readonly (string Label, string Raw)[] BadValues =
    [
        ("NUL", "%00"),
        ("NUL inside", "abc%00def"),
        ("dot-dot", ".."),
        ("encoded dot-dot", "%2e%2e"),
        ("raw traversal", "../../etc/passwd"),
        ("encoded traversal", "..%2F..%2Fetc%2Fpasswd"),
        ("10 KB ASCII", new string('a', 10 * 1024)),
        ("10 KB of percent-encoded 浙", string.Concat(Enumerable.Repeat("%E6%B5%99", 10 * 1024 / 3))),
        ("invalid UTF-8 FF", "%FF"),
        ("invalid UTF-8 FF FE FD", "%FF%FE%FD"),
        ("invalid UTF-8 C3 28", "%C3%28"),
        ("UTF-8 encoded surrogate", "%ED%A0%80"),
        ("UTF-8 beyond U+10FFFF", "%F4%90%80%80"),
        ("overlong UTF-8 slash", "%C0%AF"),
        ("truncated UTF-8", "%E6%B5"),
        ("lone percent", "%"),
        ("bad escape", "%G1"),
        ("plus", "+"),
        ("space", "%20"),
        ("CR LF", "%0D%0AX-Injected:%201"),
        ("JSON", "%7B%22a%22%3A1%7D"),
        ("negative", "-1"),
        ("huge number", "99999999999999999999"),
        ("exponent", "1e3"),
        ("NaN", "NaN"),
        ("a word for yes", "yes"),
        ("RTL override", "%E2%80%AEabc"),
    ];

    public static IReadOnlyList<string> CategoriesOf(FuzzRoute route) => route.HasBody
        ? [PathAndQuery, MalformedJson, WrongTypes, UnknownFields, HugeValues, DeepNesting, RandomBytes, RandomJson, ContentTypes]
        : [PathAndQuery];

    public static IReadOnlyList<FuzzCase> For(FuzzRoute route, string category, string? token)
    {
        var cases = category switch
        {
            PathAndQuery => PathAndQueryCases(route),
            MalformedJson => MalformedJsonCases(route),
            WrongTypes => WrongTypeCases(route),
            UnknownFields => UnknownFieldCases(route),
            HugeValues => HugeValueCases(route),
            DeepNesting => DeepNestingCases(route),
            RandomBytes => RandomByteCases(route),
            RandomJson => RandomJsonCases(route),
            ContentTypes => ContentTypeCases(route),
            _ => throw new ArgumentException($"unknown category {category}", nameof(category)),
        };
        return [.. cases.Select(c => c with { Request = c.Request with { Token = token } })];
    }

    private static FuzzCase Case(FuzzRoute route, string label, string rawPath, string rawQuery, byte[]? body, string? contentType = Json, bool mayBeServed = false) =>
        new(label, new RawRequest(route.Method, rawPath, rawQuery, body is null ? null : contentType, body, null), mayBeServed);

    private static FuzzCase BodyCase(FuzzRoute route, string label, byte[] body, string? contentType = Json) =>
        Case(route, label, route.RawPath, string.Empty, body, contentType);

    private static FuzzCase BodyCase(FuzzRoute route, string label, string body) => BodyCase(route, label, Encoding.UTF8.GetBytes(body));

    private static FuzzCase BodyCase(FuzzRoute route, string label, JsonNode? body) => BodyCase(route, label, Serialize(body));

    private static string Serialize(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "null";

    private static byte[]? RefusedBody(FuzzRoute route) => route.RefusedBody is null ? null : Encoding.UTF8.GetBytes(route.RefusedBody);

    private static JsonObject Refused(FuzzRoute route) => (JsonObject)JsonNode.Parse(route.RefusedBody!)!;

    private static IEnumerable<FuzzCase> PathAndQueryCases(FuzzRoute route)
    {
        // With a refused body a request that reaches the service is still refused, so only the path or query decides.
        var body = RefusedBody(route) ?? (route.PathBody is null ? null : Encoding.UTF8.GetBytes(route.PathBody));
        var servesGet = route.Method == "GET";
        foreach (var (label, value) in BadValues)
        {
            if (route.PathWith is not null)
            {
                // The path alone is bad here: the body is valid, so nothing else stands between it and a write.
                var validBody = route.ValidBody is not null ? Encoding.UTF8.GetBytes(Serialize(route.ValidBody))
                    : route.PathBody is not null ? Encoding.UTF8.GetBytes(route.PathBody) : null;
                yield return Case(route, $"path variable = {label}", route.PathWith(value), string.Empty, validBody);
            }
            else
            {
                yield return Case(route, $"extra path segment = {label}", route.RawPath + "/" + value, string.Empty, body);
            }

            foreach (var parameter in route.StrictParameters ?? [])
            {
                yield return Case(route, $"query {parameter} = {label}", route.RawPath, $"?{parameter}={value}", body);
            }

            foreach (var parameter in route.FreeTextParameters ?? [])
            {
                yield return Case(route, $"free-text query {parameter} = {label}", route.RawPath, $"?{parameter}={value}", body, mayBeServed: true);
            }

            yield return Case(route, $"unknown query parameter = {label}", route.RawPath, $"?x={value}", body, mayBeServed: servesGet);
            yield return Case(route, $"query without a name = {label}", route.RawPath, $"?{value}", body, mayBeServed: servesGet);
        }

        var parameterName = route.StrictParameters is { Count: > 0 } strict ? strict[0] : "x";
        yield return Case(route, "10 KB of empty parameters", route.RawPath, "?" + string.Join('&', Enumerable.Repeat("a", 5 * 1024)), body, mayBeServed: servesGet);
        yield return Case(route, "one parameter given twice", route.RawPath, $"?{parameterName}=Bank&{parameterName}=Tax", body, mayBeServed: servesGet);
        yield return Case(route, "10 KB parameter name", route.RawPath, $"?{new string('n', 10 * 1024)}=1", body, mayBeServed: servesGet);
    }

    private static IEnumerable<FuzzCase> MalformedJsonCases(FuzzRoute route)
    {
        var valid = Serialize(route.ValidBody);
        var refused = route.RefusedBody!;
        string[] texts =
        [
            "", " ", "\n", "{", "}", "[", "]", "{\"", "{\"caseNumber\":", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{\"a\":1 \"b\":2}",
            "nul", "tru", "NaN", "Infinity", "-", "{\"a\":NaN}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"raw\ttab\"}", "{\"a\":\"line\nbreak\"}", "{'a':1}", "{a:1}",
            "{} {}", "null", "true", "0", "\"text\"", "[]",
            valid[..^1], valid[..(valid.Length / 2)], valid + "}", valid + valid, valid + "garbage", valid.Replace(":", "=", StringComparison.Ordinal),
            valid.Replace("\"", "'", StringComparison.Ordinal), "[" + valid + "]", "/* comment */" + refused, "// comment\n" + refused,
            refused + " // trailing comment", refused[..^1] + ",}",
            // Lone surrogates are valid JSON escapes but no valid UTF-16 string.
            "{\"caseNumber\":\"\\uD800\",\"name\":\"\\uDC00\\uD800\"}",
        ];
        foreach (var text in texts)
        {
            yield return BodyCase(route, "malformed JSON", text);
        }

        var refusedBytes = Encoding.UTF8.GetBytes(refused);
        yield return BodyCase(route, "UTF-8 BOM then JSON", [0xEF, 0xBB, 0xBF, .. refusedBytes]);
        yield return BodyCase(route, "UTF-16 with BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(refused)]);
        yield return BodyCase(route, "UTF-16 without BOM", Encoding.Unicode.GetBytes(refused));
        yield return BodyCase(route, "UTF-32", Encoding.UTF32.GetBytes(refused));
        yield return BodyCase(route, "NUL byte in the middle", [.. refusedBytes[..10], 0, .. refusedBytes[10..]]);
        byte[][] badUtf8 = [[0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE6, 0xB5], [0xF4, 0x90, 0x80, 0x80], [0x80]];
        foreach (var bytes in badUtf8)
        {
            var hex = Convert.ToHexString(bytes);
            yield return BodyCase(route, $"invalid UTF-8 {hex} in a string", [.. "{\"caseNumber\":\""u8, .. bytes, .. "\"}"u8]);
            yield return BodyCase(route, $"invalid UTF-8 {hex} in a member name", [.. "{\""u8, .. bytes, .. "\":1}"u8]);
            yield return BodyCase(route, $"invalid UTF-8 {hex} outside strings", [.. "{"u8, .. bytes, .. "}"u8]);
        }
    }

    private static IEnumerable<FuzzCase> WrongTypeCases(FuzzRoute route)
    {
        var lenient = route.LenientFields ?? [];
        foreach (var (path, node) in Walk(route.ValidBody!, string.Empty))
        {
            var kind = node?.GetValueKind() ?? JsonValueKind.Null;
            foreach (var (label, make) in Substitutes(kind))
            {
                yield return BodyCase(route, $"{path} = {label}", Replace(route.ValidBody!, path, make()));
            }

            // null is the field's default in proto3 JSON: valid where the field is optional, a missing field where not.
            if (!lenient.Contains(path))
            {
                yield return BodyCase(route, $"{path} = null", Replace(route.ValidBody!, path, null));
            }
        }
    }

    /// <summary>Values of every JSON kind but <paramref name="kind"/>; for strings that may be enums, numbers no enum uses.</summary>
    private static IEnumerable<(string Label, Func<JsonNode?> Make)> Substitutes(JsonValueKind kind)
    {
        if (kind != JsonValueKind.Number)
        {
            yield return ("number 123", () => 123);
            yield return ("number -1.5", () => -1.5);
            yield return ("number 1e308", () => JsonNode.Parse("1e308"));
            yield return ("30-digit number", () => JsonNode.Parse("123456789012345678901234567890"));
        }

        if (kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            yield return ("true", () => true);
        }

        if (kind != JsonValueKind.String)
        {
            yield return ("a string", () => "text");
        }

        if (kind != JsonValueKind.Array)
        {
            yield return ("an empty array", () => new JsonArray());
            yield return ("a mixed array", () => new JsonArray(1, "a", null));
        }

        if (kind != JsonValueKind.Object)
        {
            yield return ("an empty object", () => new JsonObject());
            yield return ("an object", () => new JsonObject { ["a"] = 1 });
        }
    }

    private static IEnumerable<FuzzCase> UnknownFieldCases(FuzzRoute route)
    {
        (string Label, string Name)[] names =
        [
            ("bogus", "bogus"), ("empty name", ""), ("$type", "$type"), ("__proto__", "__proto__"), ("near miss", "caseNumberX"),
            ("1 KB name", new string('k', 1024)), ("NUL in name", "nul\u0000name"), ("Chinese name", "案号"),
        ];
        (string Label, Func<JsonNode?> Make)[] values =
        [
            ("1", () => 1), ("text", () => "text"), ("null", () => null), ("true", () => true), ("[]", () => new JsonArray()),
            ("{}", () => new JsonObject()), ("nested", () => JsonNode.Parse("""{"a":[1,{"b":null}],"c":{"d":"e"}}""")),
            ("100 KB string", () => new string('u', HugeLength)), ("50 levels", () => JsonNode.Parse(Nested(50, '{'))),
        ];
        foreach (var (nameLabel, name) in names)
        {
            foreach (var (valueLabel, make) in values)
            {
                var body = Refused(route);
                body[name] = make();
                yield return BodyCase(route, $"unknown member {nameLabel} = {valueLabel}", body);
            }
        }

        // One level down too: inside the request's first message-typed member (subject, parties[0]), if it has one.
        var path = Walk(Refused(route), string.Empty).FirstOrDefault(p => p.Node is JsonObject).Path;
        foreach (var (valueLabel, make) in path is null ? [] : values)
        {
            var body = Refused(route);
            var inner = (JsonObject)Find(body, path!)!;
            inner["bogus"] = make();
            yield return BodyCase(route, $"unknown member in {path} = {valueLabel}", body);
        }
    }

    private static IEnumerable<FuzzCase> HugeValueCases(FuzzRoute route)
    {
        var lenient = route.LenientFields ?? [];
        (string Label, Func<string, string> Make)[] strings =
        [
            ("100 KB ASCII", _ => new string('A', HugeLength)),
            ("100 KB of 浙", _ => new string('浙', HugeLength)),
            ("100 KB of NUL", _ => new string('\0', HugeLength)),
            ("100 KB of emoji", _ => string.Concat(Enumerable.Repeat("😀", HugeLength / 2))),
            ("valid value + 100 KB", valid => valid + new string('9', HugeLength)),
        ];
        foreach (var (path, node) in Walk(route.ValidBody!, string.Empty))
        {
            if (node?.GetValueKind() == JsonValueKind.String)
            {
                var original = node.GetValue<string>();
                foreach (var (label, make) in strings)
                {
                    yield return BodyCase(route, $"{path} = {label}", Replace(route.ValidBody!, path, make(original)));
                }
            }
            else if (node is JsonArray array && array.Count > 0 && !path.Contains('['))
            {
                // Thousands of copies of a valid element are a valid (if silly) request where repeats are asked once,
                // so those get thousands of distinct invalid elements instead.
                var many = new JsonArray();
                for (var i = 0; i < 5000; i++)
                {
                    many.Add(lenient.Contains(path) ? JsonValue.Create($"NOT_A_VALUE_{i}") : array[0]!.DeepClone());
                }

                yield return BodyCase(route, $"{path} = 5000 elements", Replace(route.ValidBody!, path, many));
            }
        }
    }

    private static IEnumerable<FuzzCase> DeepNestingCases(FuzzRoute route)
    {
        var refused = Refused(route);
        var messagePath = Walk(refused, string.Empty).FirstOrDefault(p => p.Node is JsonObject).Path;
        var arrayPath = Walk(refused, string.Empty).FirstOrDefault(p => p.Node is JsonArray).Path;
        foreach (var depth in new[] { 65, 1000, 50_000 })
        {
            yield return BodyCase(route, $"{depth} nested arrays", Nested(depth, '['));
            yield return BodyCase(route, $"{depth} nested objects", Nested(depth, '{'));
            yield return BodyCase(route, $"{depth} nested arrays in an unknown member", Splice(refused, "bogus", Nested(depth, '[')));
            yield return BodyCase(route, $"{depth} nested objects in the first member", Splice(refused, Walk(refused, string.Empty).First().Path, Nested(depth, '{')));
            if (messagePath is not null)
            {
                yield return BodyCase(route, $"{depth} nested objects in {messagePath}", Splice(refused, messagePath, Nested(depth, '{')));
            }

            if (arrayPath is not null)
            {
                yield return BodyCase(route, $"{depth} nested arrays in {arrayPath}", Splice(refused, arrayPath, Nested(depth, '[')));
            }
        }
    }

    private static IEnumerable<FuzzCase> RandomByteCases(FuzzRoute route)
    {
        var seed = SeedOf(route, RandomBytes);
        var random = new Random(seed);
        for (var i = 0; i < RandomCases; i++)
        {
            var length = random.Next(3) switch { 0 => random.Next(0, 17), 1 => random.Next(17, 513), _ => random.Next(513, 8193) };
            var bytes = new byte[length];
            random.NextBytes(bytes);
            // Half start like JSON, so the parser gets past the first byte.
            if (i % 2 == 1 && length > 0)
            {
                bytes[0] = (byte)'{';
            }

            yield return BodyCase(route, $"random bytes (seed {seed}, case {i})", bytes);
        }
    }

    private static IEnumerable<FuzzCase> RandomJsonCases(FuzzRoute route)
    {
        var seed = SeedOf(route, RandomJson);
        var random = new Random(seed);
        var names = (route.FieldNames ?? []).Concat(["", "x", "bogus"]).ToArray();
        for (var i = 0; i < RandomCases; i++)
        {
            var root = random.Next(5) == 0 ? RandomNode(random, names, 0) : RandomObject(random, names, 0);
            yield return BodyCase(route, $"random JSON (seed {seed}, case {i})", root);
        }
    }

    private static IEnumerable<FuzzCase> ContentTypeCases(FuzzRoute route)
    {
        // The body is well-formed JSON with Chinese text that the service refuses for its content: only how the
        // Content-Type is read can go wrong.
        var body = RefusedBody(route)!;
        string?[] contentTypes =
        [
            null, "", "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/octet-stream", "*/*", "application/*", "application/json-patch+json", "application/problem+json",
            "application/json; charset=utf-8; charset=iso-8859-1", "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16", "application/json; charset=utf-32", "application/json; charset=bogus",
            "application/json; charset=\"utf-8\"", "application/json; charset=", "application/json;;", "application/json; boundary=x",
            "application/json; " + new string('p', 8 * 1024) + "=1", "appl\u00e9cation/json",
        ];
        foreach (var contentType in contentTypes)
        {
            yield return BodyCase(route, $"Content-Type {(contentType is null ? "missing" : $"'{contentType}'")}", body, contentType);
        }
    }

    // A stable seed per route and category, so a failure names the seed that reproduces it.
    private static int SeedOf(FuzzRoute route, string category)
    {
        var hash = 2166136261u;
        foreach (var c in route.Route + "|" + category)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private static JsonObject RandomObject(Random random, string[] names, int depth)
    {
        var node = new JsonObject();
        var count = random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            node[names[random.Next(names.Length)]] = RandomNode(random, names, depth + 1);
        }

        return node;
    }

    private static JsonNode? RandomNode(Random random, string[] names, int depth)
    {
        switch (random.Next(depth >= 4 ? 5 : 7))
        {
            case 0:
                return null;
            case 1:
                return random.Next(2) == 0;
            case 2:
                return random.Next(3) switch { 0 => random.Next(-5, 5), 1 => random.NextDouble() * 1e6, _ => (JsonNode)long.MaxValue };
            case 3:
                return PooledString(random);
            case 4:
                return RandomString(random);
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(0, 5); i > 0; i--)
                {
                    array.Add(RandomNode(random, names, depth + 1));
                }

                return array;
            default:
                return RandomObject(random, names, depth + 1);
        }
    }

    // Values that get past the parser to the validators. No valid subject identifier is among them, so no random
    // body can be a request the gateway would serve.
    private static string PooledString(Random random)
    {
        string[] pool =
        [
            "", " ", "(2024)浙0604执1234号", "(2026)浙0604执990001号", "浙0604", "judge-wang", "王建军", "TAX", "REAL_ESTATE",
            "CASE_STATE_OPEN", "PARTY_ROLE_DEBTOR", "2026-01-05", "330682197803150114", "91330604MA2BC7D3XZ", "x", "0", "true",
        ];
        return pool[random.Next(pool.Length)];
    }

    private static string RandomString(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 40); i > 0; i--)
        {
            text.Append(random.Next(4) switch
            {
                0 => (char)random.Next(0x00, 0x20),
                1 => (char)random.Next(0x4E00, 0x9FFF),
                _ => (char)random.Next(0x20, 0x7F),
            });
        }

        return text.ToString();
    }

    private static string Nested(int depth, char open)
    {
        var close = open == '[' ? ']' : '}';
        var opening = open == '[' ? "[" : "{\"a\":";
        var innermost = open == '[' ? string.Empty : "1";
        return string.Concat(Enumerable.Repeat(opening, depth)) + innermost + new string(close, depth);
    }

    /// <summary>The JSON of <paramref name="body"/> with raw JSON text at <paramref name="path"/>, which JsonNode could not hold.</summary>
    private static string Splice(JsonObject body, string path, string rawJson)
    {
        const string marker = "\"__splice__\"";
        return Serialize(Replace(body, path, "__splice__")).Replace(marker, rawJson, StringComparison.Ordinal);
    }

    /// <summary>Every member and element under <paramref name="node"/>, with its JSON path ("parties[0].idNumber").</summary>
    private static IEnumerable<(string Path, JsonNode? Node)> Walk(JsonNode node, string prefix)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var (name, value) in members)
                {
                    var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
                    yield return (path, value);
                    if (value is not null)
                    {
                        foreach (var inner in Walk(value, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    var path = $"{prefix}[{i}]";
                    yield return (path, items[i]);
                    if (items[i] is { } item)
                    {
                        foreach (var inner in Walk(item, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
        }
    }

    /// <summary>A copy of <paramref name="root"/> with the member or element at <paramref name="path"/> set (or added).</summary>
    private static JsonNode Replace(JsonNode root, string path, JsonNode? value)
    {
        var copy = root.DeepClone();
        var (parentPath, last) = SplitLast(path);
        var parent = parentPath.Length == 0 ? copy : Find(copy, parentPath)!;
        if (last.StartsWith('['))
        {
            parent.AsArray()[int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent.AsObject()[last] = value;
        }

        return copy;
    }

    private static JsonNode? Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var segment in Segments(path))
        {
            node = segment.StartsWith('[')
                ? node!.AsArray()[int.Parse(segment[1..^1], System.Globalization.CultureInfo.InvariantCulture)]
                : node!.AsObject()[segment];
        }

        return node;
    }

    private static (string Parent, string Last) SplitLast(string path)
    {
        var segments = Segments(path);
        var last = segments[^1];
        var parent = path[..^last.Length].TrimEnd('.');
        return (parent, last);
    }

    // "parties[0].idNumber" → "parties", "[0]", "idNumber".
    private static List<string> Segments(string path)
    {
        var segments = new List<string>();
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                segments.Add(part);
                continue;
            }

            if (bracket > 0)
            {
                segments.Add(part[..bracket]);
            }

            for (var rest = part[bracket..]; rest.Length > 0;)
            {
                var end = rest.IndexOf(']', StringComparison.Ordinal);
                segments.Add(rest[..(end + 1)]);
                rest = rest[(end + 1)..];
            }
        }

        return segments;
    }
}
