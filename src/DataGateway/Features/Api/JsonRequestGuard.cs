using System.Text.Json;
using Google.Api;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace DataGateway.Features.Api;

/// <summary>
/// Checks a REST body before JSON transcoding reads it, because transcoding is lenient where a judge must not be
/// left guessing: an unknown member (<c>"assetKind"</c> for <c>"assetKinds"</c>) would be dropped and the query run
/// over every unit, a body member contradicting the path would be overridden silently, and an odd charset would
/// fail deep inside. So: only <c>application/json</c> in UTF-8 (415 otherwise), members checked against the request
/// message's descriptor (400 naming the member), body values for path variables equal to the path's.
/// </summary>
internal sealed class JsonRequestGuard(RequestDelegate next, IProblemDetailsService problems)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public async Task InvokeAsync(HttpContext context)
    {
        var transcoding = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (transcoding is null || !HasBody(context.Request))
        {
            await next(context);
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Charset.HasValue && !IsUtf8(mediaType.Charset.Value!)))
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "Content-Type", "send application/json in UTF-8");
            return;
        }

        // Transcoding reads the charset parameter itself; after the check above the body is UTF-8 whatever it said.
        context.Request.ContentType = "application/json";
        context.Request.EnableBuffering();
        string? problem;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, DocumentOptions, context.RequestAborted);
            ReadEveryString(document.RootElement);
            problem = Check(document.RootElement, transcoding, context.Request.RouteValues);
        }
        catch (JsonException ex)
        {
            problem = $"body: not valid JSON ({ex.Message.Split('.')[0]})";
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json parses invalid UTF-8 and lone surrogates lazily and throws when a string is read.
            problem = "body: not valid UTF-8 text (an invalid byte sequence or a lone surrogate)";
        }

        if (problem is not null)
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem[..colon], problem[(colon + 2)..]);
            return;
        }

        context.Request.Body.Position = 0;
        await next(context);
    }

    private static string? Check(JsonElement body, GrpcJsonTranscodingMetadata transcoding, RouteValueDictionary routeValues)
    {
        var rule = transcoding.HttpRule;
        var input = transcoding.MethodDescriptor.InputType;
        if (rule.Body == "*")
        {
            return CheckPathVariables(body, input, routeValues) ?? CheckMessage(body, input, string.Empty);
        }

        if (rule.Body.Length == 0)
        {
            return "body: this request takes no body";
        }

        var field = input.FindFieldByName(rule.Body);
        return field?.FieldType == FieldType.Message ? CheckMessage(body, field.MessageType, field.JsonName) : null;
    }

    /// <summary>Members that name a path variable must say the same as the path (the path would win silently).</summary>
    private static string? CheckPathVariables(JsonElement body, MessageDescriptor input, RouteValueDictionary routeValues)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var (name, value) in routeValues)
        {
            var field = input.FindFieldByName(name);
            if (field is null || value is not string pathValue)
            {
                continue;
            }

            if ((body.TryGetProperty(field.JsonName, out var member) || body.TryGetProperty(field.Name, out member))
                && member.ValueKind == JsonValueKind.String && member.GetString() != pathValue)
            {
                return $"{field.JsonName}: the body says '{member.GetString()}' but the path says '{pathValue}'";
            }
        }

        return null;
    }

    private static string? CheckMessage(JsonElement element, MessageDescriptor descriptor, string path)
    {
        if (element.ValueKind != JsonValueKind.Object || IsWellKnown(descriptor))
        {
            // Wrong types are the parser's to refuse; well-known types have their own JSON forms.
            return null;
        }

        foreach (var member in element.EnumerateObject())
        {
            var field = descriptor.FindFieldByName(member.Name) ?? descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == member.Name);
            var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (field is null)
            {
                return $"{memberPath}: unknown member '{member.Name}' (see the API reference for {descriptor.Name})";
            }

            if (field.FieldType != FieldType.Message || member.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                if (valueField.FieldType == FieldType.Message && member.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in member.Value.EnumerateObject())
                    {
                        if (CheckMessage(entry.Value, valueField.MessageType, $"{memberPath}.{entry.Name}") is { } problem)
                        {
                            return problem;
                        }
                    }
                }

                continue;
            }

            if (field.IsRepeated && member.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in member.Value.EnumerateArray())
                {
                    if (CheckMessage(item, field.MessageType, $"{memberPath}[{index++}]") is { } problem)
                    {
                        return problem;
                    }
                }

                continue;
            }

            if (CheckMessage(member.Value, field.MessageType, memberPath) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }

    /// <summary>Reads every string and member name once, so text that is not valid UTF-8 is refused here, not inside transcoding.</summary>
    private static void ReadEveryString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadEveryString(item);
                }

                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    _ = member.Name;
                    ReadEveryString(member.Value);
                }

                break;
        }
    }

    private static bool IsWellKnown(MessageDescriptor descriptor) => descriptor.File.Package == "google.protobuf";

    private static bool IsUtf8(string charset) =>
        charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private async Task RefuseAsync(HttpContext context, int status, string field, string reason)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = status == 415 ? "Unsupported media type" : "The request is not valid",
            Detail = $"{field}: {reason}",
        };
        problem.Extensions["field"] = field;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
