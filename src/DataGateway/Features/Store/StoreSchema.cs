namespace DataGateway.Features.Store;

/// <summary>
/// A feature's tables: an ordered list of migrations, applied once each at start-up and recorded in
/// schema_migrations, so a newer gateway upgrades an older database in place. Each version is written once per
/// engine (types and a few statements differ) and both lists always have the same length: version N means the same
/// tables whichever engine holds them.
/// </summary>
public sealed record StoreSchema
{
    public StoreSchema(string module, IReadOnlyList<string> sqlite, IReadOnlyList<string> postgres)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        if (sqlite.Count != postgres.Count)
        {
            throw new ArgumentException(
                $"Store module '{module}' has {sqlite.Count} SQLite migrations but {postgres.Count} PostgreSQL ones; each version needs both.");
        }

        Module = module;
        Sqlite = sqlite;
        Postgres = postgres;
    }

    public string Module { get; }

    public IReadOnlyList<string> Sqlite { get; }

    public IReadOnlyList<string> Postgres { get; }

    public int LatestVersion => Sqlite.Count;

    public IReadOnlyList<string> For(StoreEngine engine) => engine == StoreEngine.Postgres ? Postgres : Sqlite;
}
