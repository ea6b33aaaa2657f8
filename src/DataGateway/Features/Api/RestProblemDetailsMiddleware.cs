using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace DataGateway.Features.Api;

/// <summary>
/// Turns every REST error into RFC 9457 problem details: transcoded gRPC errors (whose JSON body is a
/// google.rpc.Status) and the empty 401/403 the authorization middleware sends. A validation error's field
/// ("subject.idNumber") is lifted into a "field" member so clients need not parse the message.
/// REST bodies here are small, so buffering them is cheaper than a stream that decides late.
/// </summary>
internal sealed partial class RestProblemDetailsMiddleware(RequestDelegate next, IProblemDetailsService problemDetails)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            await next(context);
            return;
        }

        var originalFeature = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(originalFeature);
        }

        if (context.Response.StatusCode >= 400 && TryReadError(context, buffer, out var detail))
        {
            await WriteProblemAsync(context, detail);
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(originalFeature.Stream, context.RequestAborted);
    }

    private static bool TryReadError(HttpContext context, MemoryStream buffer, out string? detail)
    {
        detail = null;
        if (buffer.Length == 0)
        {
            return true;
        }

        if (context.Response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message)
                && json.RootElement.TryGetProperty("code", out _))
            {
                detail = message.GetString();
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private async Task WriteProblemAsync(HttpContext context, string? detail)
    {
        var status = context.Response.StatusCode;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = status switch
            {
                400 => "The request is not valid",
                401 => "A valid bearer token is required",
                403 => "Your role or purpose does not allow this",
                404 => "Not found",
                409 => "Conflict",
                429 => "Too many requests",
                _ => "The request failed",
            },
            Detail = string.IsNullOrEmpty(detail) ? null : detail,
            Instance = context.Request.Path,
        };
        if (FieldOf(detail) is { } field)
        {
            problem.Extensions["field"] = field;
            // A refusal of many fields at once (a batch's rows) lists them as "rows[3].idNumber: reason; rows[9].name: reason".
            problem.Extensions["errors"] = FieldErrors(detail!);
        }

        context.Response.ContentLength = null;
        context.Response.ContentType = null;
        await problemDetails.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>
    /// Splits "a.b: reason; rows[2].c: reason" at each "; " that a JSON path and ": " follow, so a reason that itself
    /// holds "; " stays whole.
    /// </summary>
    private static List<FieldError> FieldErrors(string detail)
    {
        var errors = new List<FieldError>();
        var starts = FieldStart().Matches(detail);
        for (var i = 0; i < starts.Count; i++)
        {
            var match = starts[i];
            var reasonStart = match.Index + match.Length;
            var reasonEnd = i + 1 < starts.Count ? starts[i + 1].Index : detail.Length;
            errors.Add(new FieldError(match.Groups["field"].Value, detail[reasonStart..reasonEnd]));
        }

        return errors;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|; )(?<field>[A-Za-z][A-Za-z0-9]*(?:\[[0-9]+\])?(?:\.[A-Za-z][A-Za-z0-9]*(?:\[[0-9]+\])?)*): ")]
    private static partial System.Text.RegularExpressions.Regex FieldStart();

    /// <summary>One entry of a problem's <c>errors</c>.</summary>
    private sealed record FieldError(string Field, string Reason);

    // ApiErrors writes "field: reason"; a field is a JSON path, so it holds no spaces.
    private static string? FieldOf(string? detail)
    {
        if (detail is null)
        {
            return null;
        }

        var colon = detail.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !detail.AsSpan(0, colon).ContainsAny(' ', '\t') ? detail[..colon] : null;
    }
}
