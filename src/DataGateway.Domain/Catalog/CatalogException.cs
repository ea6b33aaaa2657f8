namespace DataGateway.Domain.Catalog;

/// <summary>
/// The catalog (config/*.json) cannot be used. The message lists every problem found, one a line, each
/// naming the file and the entry (id, code or index), so one start-up attempt shows everything to fix.
/// </summary>
public sealed class CatalogException : Exception
{
    public CatalogException()
        : this("Catalog is invalid.")
    {
    }

    public CatalogException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public CatalogException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Each problem on its own, e.g. "units.json: unit 'bank-x' (units[3]): kind 'Bankk' is not a unit kind ...".</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var noun = problems.Count == 1 ? "problem" : "problems";
        return $"Catalog is invalid ({problems.Count} {noun}):" + string.Concat(problems.Select(p => "\n  - " + p));
    }
}
