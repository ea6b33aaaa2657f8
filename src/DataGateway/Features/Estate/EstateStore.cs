using System.Globalization;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Store;
using Google.Protobuf;

namespace DataGateway.Features.Estate;

/// <summary>A stored estate inquiry: who made it, under which file, about whom (keyed hashes only), and its report.</summary>
internal sealed record StoredEstateInquiry(
    string InquiryId,
    string NotarialFileNumber,
    string NotaryOffice,
    string NotarySubject,
    string DeceasedHash,
    string ApplicantHash,
    DateTimeOffset CreatedAt,
    EstateReport Report);

/// <summary>The estate inquiries' durable store.</summary>
internal interface IEstateStore
{
    /// <summary>The keyed hash of the deceased a notarial file is bound to; null when no inquiry was made under it yet.</summary>
    Task<string?> FindFileDeceasedAsync(string notarialFileNumber, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an inquiry and, in the same transaction, binds its file to its deceased if the file is not bound yet.
    /// Returns false (storing nothing) when the file is bound to another deceased — an inquiry under the same file
    /// about someone else won the race.
    /// </summary>
    Task<bool> SaveAsync(StoredEstateInquiry inquiry, CancellationToken cancellationToken);

    /// <summary>The inquiry, or null when there is none with that id.</summary>
    Task<StoredEstateInquiry?> FindAsync(string inquiryId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes an inquiry whose report was never given (its access could not be audited), and its file's binding when no
    /// other inquiry is under the file.
    /// </summary>
    Task DeleteAsync(string inquiryId, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IEstateStore"/> in the gateway store, on either engine. Portable SQL (TEXT, INTEGER; INSERT ... ON CONFLICT
/// DO NOTHING is both SQLite's and PostgreSQL's); timestamps ISO-8601 UTC text. The report is kept as protobuf JSON text,
/// exactly as the notary was shown it (minimised for their role): the notarial file needs the report as it was. It holds
/// no identity number in full: the deceased's and the applicant's are echoed masked, and items carrying relatives' numbers
/// are L4, above the notary's full view, so masked. People are otherwise kept only as keyed hashes.
/// </summary>
internal sealed class EstateStore(GatewayStore store) : IEstateStore
{
    public const string Module = "estate";

    /// <summary>The module's SQLite migrations, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] SqliteMigrations =
    [
        """
        CREATE TABLE estate_files (
            notarial_file_number TEXT NOT NULL PRIMARY KEY,
            notary_office        TEXT NOT NULL,
            deceased_hash        TEXT NOT NULL,
            bound_at             TEXT NOT NULL);
        CREATE TABLE estate_inquiries (
            inquiry_id           TEXT    NOT NULL PRIMARY KEY,
            notarial_file_number TEXT    NOT NULL REFERENCES estate_files (notarial_file_number),
            notary_subject       TEXT    NOT NULL,
            deceased_hash        TEXT    NOT NULL,
            applicant_hash       TEXT    NOT NULL,
            created_at           TEXT    NOT NULL,
            items_asked          INTEGER NOT NULL,
            items_answered       INTEGER NOT NULL,
            report_json          TEXT    NOT NULL);
        CREATE INDEX ix_estate_inquiries_file ON estate_inquiries (notarial_file_number);
        -- "Which inquiries did this notary make?" (auditors, a notary's own list).
        CREATE INDEX ix_estate_inquiries_notary ON estate_inquiries (notary_subject, created_at);
        """,
    ];

    /// <summary>The same versions for PostgreSQL, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] PostgresMigrations =
    [
        // The SQLite schema as it stands: every type in it is portable (the item counts are small ints, times ISO text).
        SqliteMigrations[0],
    ];

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    // A report written by a newer gateway may carry fields this one does not know; they are dropped, not fatal.
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public async Task<string?> FindFileDeceasedAsync(string notarialFileNumber, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT deceased_hash FROM estate_files WHERE notarial_file_number = @File",
            new { File = notarialFileNumber },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> SaveAsync(StoredEstateInquiry inquiry, CancellationToken cancellationToken)
    {
        var at = inquiry.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        await using var connection = await store.OpenAsync(cancellationToken);
        // The file's lock is held from the binding's insert to the commit, so a concurrent DeleteAsync (on any replica)
        // cannot remove the binding between this check and this inquiry's insert. SQLite: the file's write lock
        // (transactions begin IMMEDIATE); PostgreSQL: an advisory lock per notarial file.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await store.LockAsync(connection, transaction, FileLock(inquiry.NotarialFileNumber), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO estate_files (notarial_file_number, notary_office, deceased_hash, bound_at)
            VALUES (@File, @Office, @Deceased, @At)
            ON CONFLICT (notarial_file_number) DO NOTHING
            """,
            new { File = inquiry.NotarialFileNumber, Office = inquiry.NotaryOffice, Deceased = inquiry.DeceasedHash, At = at },
            transaction,
            cancellationToken: cancellationToken));
        var bound = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT deceased_hash FROM estate_files WHERE notarial_file_number = @File",
            new { File = inquiry.NotarialFileNumber },
            transaction,
            cancellationToken: cancellationToken));
        if (bound != inquiry.DeceasedHash)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO estate_inquiries (inquiry_id, notarial_file_number, notary_subject, deceased_hash, applicant_hash,
                created_at, items_asked, items_answered, report_json)
            VALUES (@Id, @File, @Notary, @Deceased, @Applicant, @At, @Asked, @Answered, @Report)
            """,
            new
            {
                Id = inquiry.InquiryId,
                File = inquiry.NotarialFileNumber,
                Notary = inquiry.NotarySubject,
                Deceased = inquiry.DeceasedHash,
                Applicant = inquiry.ApplicantHash,
                At = at,
                Asked = inquiry.Report.Coverage?.ItemsAsked ?? 0,
                Answered = inquiry.Report.Coverage?.ItemsAnswered ?? 0,
                Report = Formatter.Format(inquiry.Report),
            },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<StoredEstateInquiry?> FindAsync(string inquiryId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<InquiryRow>(new CommandDefinition(
            """
            SELECT i.inquiry_id AS InquiryId, i.notarial_file_number AS NotarialFileNumber, f.notary_office AS NotaryOffice,
                   i.notary_subject AS NotarySubject, i.deceased_hash AS DeceasedHash, i.applicant_hash AS ApplicantHash,
                   i.created_at AS CreatedAt, i.report_json AS ReportJson
              FROM estate_inquiries i
              JOIN estate_files f ON f.notarial_file_number = i.notarial_file_number
             WHERE i.inquiry_id = @Id
            """,
            new { Id = inquiryId },
            cancellationToken: cancellationToken));
        return row is null
            ? null
            : new StoredEstateInquiry(
                row.InquiryId,
                row.NotarialFileNumber,
                row.NotaryOffice,
                row.NotarySubject,
                row.DeceasedHash,
                row.ApplicantHash,
                DateTimeOffset.Parse(row.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Parser.Parse<EstateReport>(row.ReportJson));
    }

    public async Task DeleteAsync(string inquiryId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var file = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT notarial_file_number FROM estate_inquiries WHERE inquiry_id = @Id", new { Id = inquiryId }, transaction, cancellationToken: cancellationToken));
        if (file is not null)
        {
            // Whether another inquiry is still under the file is decided under the file's lock (see SaveAsync).
            await store.LockAsync(connection, transaction, FileLock(file), cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM estate_inquiries WHERE inquiry_id = @Id;
                DELETE FROM estate_files WHERE notarial_file_number = @File
                   AND NOT EXISTS (SELECT 1 FROM estate_inquiries WHERE notarial_file_number = @File);
                """,
                new { Id = inquiryId, File = file },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static string FileLock(string notarialFileNumber) => "estate-file:" + notarialFileNumber;

    private sealed record InquiryRow(
        string InquiryId,
        string NotarialFileNumber,
        string NotaryOffice,
        string NotarySubject,
        string DeceasedHash,
        string ApplicantHash,
        string CreatedAt,
        string ReportJson);
}
