using System.Text.RegularExpressions;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>One REST route a proto method is transcoded to: "GET /v1/units/{unit_id}".</summary>
public sealed record HttpRule(string Method, string Path, string Rpc)
{
    public string Key => $"{Method} {Path}";
}

/// <summary>
/// The REST surface as the contract declares it: every <c>option (google.api.http)</c> in protos/datagateway/v1,
/// read from the repository so a new endpoint cannot be added without the tests knowing.
/// </summary>
public static partial class ProtoHttpRules
{
    /// <summary>The repository root: the first folder above the test binaries that holds DataGateway.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static IReadOnlyList<HttpRule> All { get; } = Read(Path.Combine(RepositoryRoot, "protos", "datagateway", "v1"));

    public static IReadOnlyList<HttpRule> Read(string protoDirectory)
    {
        var rules = new List<HttpRule>();
        foreach (var file in Directory.EnumerateFiles(protoDirectory, "*.proto").Order(StringComparer.Ordinal))
        {
            var text = StripComments(File.ReadAllText(file));
            foreach (Match option in HttpOption().Matches(text))
            {
                var body = Braced(text, option.Index + option.Length - 1);
                var rpc = RpcBefore(text, option.Index);
                // additional_bindings nest more { verb: "path" } pairs inside the same braces; they are routes too.
                foreach (Match binding in Binding().Matches(body))
                {
                    rules.Add(new HttpRule(binding.Groups["verb"].Value.ToUpperInvariant(), binding.Groups["path"].Value, $"{Path.GetFileName(file)} {rpc}"));
                }
            }
        }

        return rules;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DataGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DataGateway.sln above {AppContext.BaseDirectory}: the tests read the protos from the repository.");
    }

    /// <summary>The text between the brace at <paramref name="open"/> and its match.</summary>
    private static string Braced(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return text[(open + 1)..i];
            }
        }

        throw new InvalidOperationException("unbalanced braces after an option (google.api.http)");
    }

    private static string RpcBefore(string text, int index)
    {
        var rpc = Rpc().Matches(text[..index]);
        return rpc.Count == 0 ? "?" : rpc[^1].Groups["name"].Value;
    }

    private static string StripComments(string proto) => LineComment().Replace(BlockComment().Replace(proto, " "), string.Empty);

    [GeneratedRegex(@"option\s*\(\s*google\.api\.http\s*\)\s*=\s*\{")]
    private static partial Regex HttpOption();

    [GeneratedRegex(@"\b(?<verb>get|put|post|delete|patch)\s*:\s*""(?<path>[^""]*)""")]
    private static partial Regex Binding();

    [GeneratedRegex(@"\brpc\s+(?<name>\w+)")]
    private static partial Regex Rpc();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();
}
