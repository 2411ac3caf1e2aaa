using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Integrity;

/// <summary>
/// The canonical state digest of a claim and of an evidence item (docs/integrity.md, "Covered records"). The same
/// code computes it when a command's audit entry is written and when <c>/audit/verify?records=true</c> re-reads the
/// rows, from the rows as stored (or, for a claim the command inserted, one by one or in bulk, from its object when every
/// value it holds reads back unchanged: <see cref="Persistence.Bulk.StoredAsWritten"/>), so both sides see the same values.
/// <para>
/// Encoding: a version tag, then each field in the documented order as its UTF-8 byte length, a colon and the bytes;
/// an absent value is <c>-1:</c>. Times are UTC <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>, dates <c>yyyy-MM-dd</c>, enums their
/// names, numbers invariant (doubles round-trip), booleans <c>true</c>/<c>false</c>, GUIDs lowercase with hyphens, a list
/// its count and then its items. The digest is the lowercase hex SHA-256 of those bytes.
/// </para>
/// Left out on purpose: the witness identity (never in the chain, even hashed), the custody trail, the claim's history,
/// and the fields that unaudited background work changes (fixity time and result; duplicate flags live in their own table).
/// </summary>
public static class RecordStates
{
    private const int Batch = 200;

    /// <summary>
    /// The states of a command's touched records, from the rows it read back once (<see cref="Pipeline.ClaimSnapshot"/>):
    /// the snapshot holds each touched claim with its proposals and assignments and every evidence item of those claims,
    /// as saved.
    /// </summary>
    public static List<(string RecordType, Guid RecordId, string Digest)> Compute(Pipeline.ClaimSnapshot snapshot,
        IReadOnlyCollection<Guid> claimIds, IReadOnlyCollection<Guid> evidenceIds)
    {
        var states = new List<(string, Guid, string)>(claimIds.Count + evidenceIds.Count);
        foreach (var id in claimIds)
        {
            if (snapshot.Claims.TryGetValue(id, out var claim))
                states.Add((AuditRecordState.Claim, claim.Id, DigestOf(claim)));
        }
        if (evidenceIds.Count == 0)
            return states;
        var wanted = evidenceIds as IReadOnlySet<Guid> ?? evidenceIds.ToHashSet();
        foreach (var items in snapshot.Evidence)
        {
            foreach (var item in items)
            {
                if (wanted.Contains(item.Id))
                    states.Add((AuditRecordState.Evidence, item.Id, DigestOf(item)));
            }
        }
        return states;
    }

    /// <summary>Every claim as stored now, in number order, a batch at a time.</summary>
    public static async IAsyncEnumerable<Claim> AllClaimsAsync(VerificationDb db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var after = long.MinValue;
        while (true)
        {
            var page = await ClaimsWithDecisions(db).Where(c => c.Number > after).OrderBy(c => c.Number).Take(Batch).ToListAsync(ct);
            foreach (var claim in page)
                yield return claim;
            if (page.Count < Batch)
                yield break;
            after = page[^1].Number;
        }
    }

    private static IQueryable<Claim> ClaimsWithDecisions(VerificationDb db) =>
        db.Claims.AsNoTracking().Include(c => c.Proposals).Include(c => c.Assignments).AsSplitQuery();

    public static string DigestOf(Claim c)
    {
        var w = new Writer();
        w.Text("claim/v1").Guid(c.Id).Text(c.Reference).Enum(c.Stage).Number(c.Version).Guid(c.SubmittedBy).Time(c.SubmittedAt)
            .Time(c.UpdatedAt).Text(c.ExternalId).Guid(c.ImportId).Text(c.Title).Text(c.Summary).Number(c.ViolationTypeFlags);
        w.Date(c.Incident.StartDate).Date(c.Incident.EndDate).Enum(c.Incident.TimePrecision);
        w.Text(c.Location.PlaceName).Text(c.Location.CountryCode).Text(c.Location.Admin1).Text(c.Location.Admin2)
            .Real(c.Location.Latitude).Real(c.Location.Longitude).Enum(c.Location.GeoPrecision);
        w.Number(c.Perpetrators.Count);
        foreach (var p in c.Perpetrators)
            w.Text(p.Name).Enum(p.Type);
        Harm(w, c.Harm);
        w.Number(c.Sources.Count);
        foreach (var s in c.Sources)
            w.Enum(s.Type).Text(s.Description).Text(s.Url);
        w.Text(c.StageReason).Guid(c.DuplicateOf).Bool(c.HasBeenDecided).Bool(c.ReopeningSuggested).Guid(c.VerdictProposalId);
        var proposals = c.Proposals.OrderBy(p => p.Id.ToString("D"), StringComparer.Ordinal).ToList();
        w.Number(proposals.Count);
        foreach (var p in proposals)
        {
            w.Guid(p.Id).Enum(p.Rating).Text(p.Rationale);
            Harm(w, p.Harm);
            w.Number(p.AttributedTo.Count);
            foreach (var name in p.AttributedTo)
                w.Text(name);
            w.Guid(p.ProposedBy).Time(p.ProposedAt).Enum(p.Status).Guid(p.DecidedBy).Time(p.DecidedAt).Text(p.RejectionReason);
        }
        var assignments = c.Assignments.OrderBy(a => a.UserId.ToString("D"), StringComparer.Ordinal).ToList();
        w.Number(assignments.Count);
        foreach (var a in assignments)
            w.Guid(a.UserId).Guid(a.AssignedBy).Time(a.AssignedAt);
        return w.Digest();
    }

    public static string DigestOf(EvidenceItem e)
    {
        var w = new Writer();
        w.Text("evidence/v1").Guid(e.Id).Guid(e.ClaimId).Enum(e.Kind).Text(e.Title).Text(e.Description).Text(e.Url)
            .Time(e.CollectedAt).Text(e.CollectedBy).Text(e.Origin).Enum(e.Stance).Text(e.Sha256).Number(e.SizeBytes)
            .Text(e.ContentType).Text(e.DetectedContentType).Text(e.FileName).Bool(e.HasContent).Guid(e.DuplicateOf)
            .Text(e.TestimonyText).Guid(e.SubmittedBy).Time(e.SubmittedAt).Enum(e.ReviewStatus).Guid(e.ReviewedBy)
            .Time(e.ReviewedAt).Text(e.ReviewReason).Enum(e.SourceReliability).Number(e.InformationCredibility);
        return w.Digest();
    }

    private static void Harm(Writer w, Harm h) =>
        w.Number(h.KilledMin).Number(h.KilledMax).Number(h.InjuredMin).Number(h.InjuredMax)
            .Number(h.CiviliansKilledMin).Number(h.CiviliansKilledMax).Number(h.ChildrenKilledMin).Number(h.ChildrenKilledMax)
            .Number(h.WomenKilledMin).Number(h.WomenKilledMax);

    private sealed class Writer
    {
        /// <summary>
        /// One buffer per thread, reused: a claim's bytes are several KiB, and growing a fresh buffer (and a byte array per
        /// field) for every digest was a tenth of an import's allocations (sqliteimport12). A digest is computed without
        /// an await and never inside another, so the thread's buffer is this writer's alone until <see cref="Digest"/>.
        /// </summary>
        [ThreadStatic]
        private static ArrayBufferWriter<byte>? t_bytes;

        private const int MaxKeptBytes = 256 * 1024;

        private readonly ArrayBufferWriter<byte> _bytes;

        public Writer()
        {
            _bytes = t_bytes ??= new ArrayBufferWriter<byte>(16 * 1024);
            _bytes.ResetWrittenCount();
        }

        public Writer Text(string? value)
        {
            if (value is null)
            {
                _bytes.Write("-1:"u8);
                return this;
            }
            // Encoding.UTF8 replaces a lone surrogate as GetBytes(string) did, so the bytes are the same.
            var length = Encoding.UTF8.GetByteCount(value);
            Length(length);
            _bytes.Advance(Encoding.UTF8.GetBytes(value, _bytes.GetSpan(length)));
            return this;
        }

        public Writer Guid(Guid? value) => value is { } guid ? Formatted(guid, "D") : Text(null);

        public Writer Number(long? value) => value is { } number ? Formatted(number, default) : Text(null);

        public Writer Real(double? value) => value is { } real ? Formatted(real, "R") : Text(null);

        public Writer Bool(bool value) => Text(value ? "true" : "false");

        public Writer Enum<T>(T? value) where T : struct, System.Enum => Text(value?.ToString());

        public Writer Enum<T>(T value) where T : struct, System.Enum => Text(value.ToString());

        public Writer Date(DateOnly value) => Formatted(value, "yyyy-MM-dd");

        // Providers return UTC times as Unspecified (SQLite) or Utc (PostgreSQL); both mean UTC here. Microseconds, as
        // PostgreSQL stores them.
        public Writer Time(DateTime? value) => value is { } t
            ? Formatted(new DateTime(t.Ticks - t.Ticks % 10, DateTimeKind.Utc), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'")
            : Text(null);

        public string Digest()
        {
            var digest = Hashing.Sha256Hex(_bytes.WrittenSpan);
            // A claim of a hundred long sources grows the buffer to megabytes; the thread does not keep one that large.
            if (_bytes.Capacity > MaxKeptBytes)
                t_bytes = null;
            return digest;
        }

        /// <summary>A value as its invariant text, formatted straight to UTF-8: the same text ToString gives, without the string.</summary>
        private Writer Formatted<T>(T value, ReadOnlySpan<char> format) where T : IUtf8SpanFormattable
        {
            Span<byte> text = stackalloc byte[64];
            if (!value.TryFormat(text, out var written, format, CultureInfo.InvariantCulture))
                throw new InvalidOperationException($"A {typeof(T).Name} did not fit the state encoding's 64 bytes.");
            Length(written);
            _bytes.Write(text[..written]);
            return this;
        }

        /// <summary>A field's byte length and the colon before its bytes.</summary>
        private void Length(int bytes)
        {
            var span = _bytes.GetSpan(12);
            bytes.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
            span[written] = (byte)':';
            _bytes.Advance(written + 1);
        }
    }
}
