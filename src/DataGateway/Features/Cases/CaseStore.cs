using System.Globalization;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Store;

namespace DataGateway.Features.Cases;

/// <summary>The registry's tables in the gateway store. Identifiers are stored only as keyed hashes and masked forms.</summary>
internal sealed class CaseStore(GatewayStore store)
{
    public const string Module = "cases";

    /// <summary>The registry's SQLite migrations, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] SqliteMigrations =
    [
        """
        CREATE TABLE cases (
            case_number   TEXT NOT NULL PRIMARY KEY,
            court_code    TEXT NOT NULL,
            case_type     TEXT NOT NULL,
            state         TEXT NOT NULL CHECK (state IN ('OPEN', 'CLOSED')),
            registered_on TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            updated_by    TEXT NOT NULL);
        CREATE TABLE case_officers (
            case_number TEXT    NOT NULL REFERENCES cases (case_number) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            officer_id  TEXT    NOT NULL,
            PRIMARY KEY (case_number, position),
            UNIQUE (case_number, officer_id));
        CREATE INDEX ix_case_officers_officer ON case_officers (officer_id);
        CREATE TABLE case_parties (
            case_number       TEXT    NOT NULL REFERENCES cases (case_number) ON DELETE CASCADE,
            position          INTEGER NOT NULL,
            role              TEXT    NOT NULL CHECK (role IN ('DEBTOR', 'APPLICANT')),
            name              TEXT    NOT NULL,
            identifier_kind   TEXT    NOT NULL CHECK (identifier_kind IN ('ID_NUMBER', 'CREDIT_CODE')),
            identifier_hash   TEXT    NOT NULL,
            identifier_masked TEXT    NOT NULL,
            PRIMARY KEY (case_number, position),
            UNIQUE (case_number, identifier_hash));
        -- "Which cases is this subject a party to?" (auditors), without a plain identifier to search by.
        CREATE INDEX ix_case_parties_identifier ON case_parties (identifier_hash);
        """,
    ];

    /// <summary>The same versions for PostgreSQL, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] PostgresMigrations =
    [
        // The SQLite schema as it stands: every type in it is portable (positions are small ints, dates ISO text).
        SqliteMigrations[0],
    ];

    public async Task<RegisteredCase?> FindAsync(string caseNumber, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await ReadAsync(connection, null, caseNumber, cancellationToken);
    }

    /// <summary>
    /// Replaces what the registry holds for the case, in one transaction: a failure leaves the previous version whole.
    /// Writes nothing when the registry already holds exactly this, so re-seeding and retried PUTs leave no trace.
    /// </summary>
    public async Task<(CaseChange Change, RegisteredCase Case)> PutAsync(
        CaseRegistration registration, string updatedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        // The case's lock is taken before the read, so two PUTs of one case (on one replica or two) cannot both see
        // "absent" and both report CREATED, nor interleave their officer and party rows. SQLite: the file's write lock
        // (transactions begin IMMEDIATE); PostgreSQL: an advisory lock per case number, so PUTs of other cases go on.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await store.LockAsync(connection, transaction, "case:" + registration.CaseNumber, cancellationToken);
        var existing = await ReadAsync(connection, transaction, registration.CaseNumber, cancellationToken);
        if (existing is not null && existing.Registration.SameContentAs(registration))
        {
            return (CaseChange.Unchanged, existing);
        }

        var key = new { registration.CaseNumber };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cases (case_number, court_code, case_type, state, registered_on, updated_at, updated_by)
            VALUES (@CaseNumber, @CourtCode, @CaseType, @State, @RegisteredOn, @UpdatedAt, @UpdatedBy)
            ON CONFLICT (case_number) DO UPDATE SET
                court_code = excluded.court_code, case_type = excluded.case_type, state = excluded.state,
                registered_on = excluded.registered_on, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
            DELETE FROM case_officers WHERE case_number = @CaseNumber;
            DELETE FROM case_parties WHERE case_number = @CaseNumber;
            """,
            new
            {
                registration.CaseNumber,
                registration.CourtCode,
                registration.CaseType,
                State = StateText(registration.State),
                RegisteredOn = registration.RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                UpdatedAt = now.ToString("O", CultureInfo.InvariantCulture),
                UpdatedBy = updatedBy,
            },
            transaction,
            cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO case_officers (case_number, position, officer_id) VALUES (@CaseNumber, @Position, @OfficerId)",
            registration.Officers.Select((officer, i) => new { key.CaseNumber, Position = i, OfficerId = officer }),
            transaction,
            cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO case_parties (case_number, position, role, name, identifier_kind, identifier_hash, identifier_masked)
            VALUES (@CaseNumber, @Position, @Role, @Name, @Kind, @Hash, @Masked)
            """,
            registration.Parties.Select((party, i) => new
            {
                key.CaseNumber,
                Position = i,
                Role = RoleText(party.Role),
                party.Name,
                Kind = KindText(party.Kind),
                Hash = party.IdentifierHash,
                Masked = party.MaskedIdentifier,
            }),
            transaction,
            cancellationToken: cancellationToken));

        await transaction.CommitAsync(cancellationToken);
        return (existing is null ? CaseChange.Created : CaseChange.Updated, new RegisteredCase(registration, now));
    }

    private static async Task<RegisteredCase?> ReadAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, string caseNumber, CancellationToken cancellationToken)
    {
        using var reader = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT case_number AS CaseNumber, court_code AS CourtCode, case_type AS CaseType, state AS State,
                   registered_on AS RegisteredOn, updated_at AS UpdatedAt
              FROM cases WHERE case_number = @CaseNumber;
            SELECT officer_id FROM case_officers WHERE case_number = @CaseNumber ORDER BY position;
            SELECT role AS Role, name AS Name, identifier_kind AS Kind, identifier_hash AS Hash, identifier_masked AS Masked
              FROM case_parties WHERE case_number = @CaseNumber ORDER BY position;
            """,
            new { CaseNumber = caseNumber },
            transaction,
            cancellationToken: cancellationToken));

        var row = await reader.ReadSingleOrDefaultAsync<CaseRow>();
        var officers = (await reader.ReadAsync<string>()).AsList();
        var parties = (await reader.ReadAsync<PartyRow>())
            .Select(p => new RegisteredParty(ParseRole(p.Role), p.Name, ParseKind(p.Kind), p.Hash, p.Masked))
            .ToList();
        if (row is null)
        {
            return null;
        }

        var registration = new CaseRegistration(
            row.CaseNumber,
            row.CourtCode,
            row.CaseType,
            officers,
            parties,
            ParseState(row.State),
            DateOnly.ParseExact(row.RegisteredOn, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        return new RegisteredCase(registration, DateTimeOffset.Parse(row.UpdatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
    }

    private static string StateText(CaseState state) => state == CaseState.Open ? "OPEN" : "CLOSED";

    private static CaseState ParseState(string text) => text == "OPEN" ? CaseState.Open : CaseState.Closed;

    private static string RoleText(PartyRole role) => role == PartyRole.Debtor ? "DEBTOR" : "APPLICANT";

    private static PartyRole ParseRole(string text) => text == "DEBTOR" ? PartyRole.Debtor : PartyRole.Applicant;

    private static string KindText(IdentifierKind kind) => kind == IdentifierKind.IdNumber ? "ID_NUMBER" : "CREDIT_CODE";

    private static IdentifierKind ParseKind(string text) => text == "ID_NUMBER" ? IdentifierKind.IdNumber : IdentifierKind.CreditCode;

    private sealed record CaseRow(string CaseNumber, string CourtCode, string CaseType, string State, string RegisteredOn, string UpdatedAt);

    private sealed record PartyRow(string Role, string Name, string Kind, string Hash, string Masked);
}
