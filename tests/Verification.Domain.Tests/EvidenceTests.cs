using Verification.Domain.Common;
using Verification.Domain.Evidence;

namespace Verification.Domain.Tests;

public class EvidenceTests
{
    private static readonly Guid ClaimId = Guid.NewGuid();
    private static readonly DateTime Later = Kidal.Now.AddHours(1);

    private static readonly EvidenceItem.StoredContent PhotoContent = new(
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 482_113, "image/jpeg", "image/jpeg", "base.jpg", null);

    private static EvidenceItem.Intake Intake(EvidenceKind kind, string? url = null, string? testimony = null, DateTime? collectedAt = null) =>
        new(kind, "Kidal base after the strike", null, url, collectedAt, "Field investigator", "Radio Kidal", EvidenceStance.Supports,
            testimony, null);

    private static EvidenceItem Receive(EvidenceItem.Intake intake, EvidenceItem.StoredContent? content = null) =>
        EvidenceItem.Receive(Guid.NewGuid(), ClaimId, intake, content, People.Investigator, Kidal.Now);

    private static EvidenceItem APhoto() => Receive(Intake(EvidenceKind.Photo), PhotoContent);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("example.org/video/1")]
    [InlineData("/evidence/1.jpg")]
    [InlineData("ftp://example.org/strike.mp4")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    public void A_link_needs_an_absolute_http_or_https_url(string? url)
    {
        var invalid = Assert.Throws<InvariantViolation>(() => Receive(Intake(EvidenceKind.Link, url)));

        Assert.Equal("url", invalid.Field);
    }

    [Theory]
    [InlineData("https://example.org/kidal/strike-video")]
    [InlineData("http://example.org/kidal?id=1")]
    public void A_link_with_an_http_or_https_url_is_received_with_a_hash(string url)
    {
        var link = Receive(Intake(EvidenceKind.Link, url));

        Assert.Equal(url, link.Url);
        Assert.False(link.HasContent);
        Assert.Matches("^[0-9a-f]{64}$", link.Sha256);
        Assert.Equal(ReviewStatus.Pending, link.ReviewStatus);
    }

    [Fact]
    public void The_hash_of_a_link_changes_with_its_url()
    {
        var first = Receive(Intake(EvidenceKind.Link, "https://example.org/a"));
        var second = Receive(Intake(EvidenceKind.Link, "https://example.org/b"));

        Assert.NotEqual(first.Sha256, second.Sha256);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_testimony_needs_its_text(string? text)
    {
        var invalid = Assert.Throws<InvariantViolation>(() => Receive(Intake(EvidenceKind.Testimony, testimony: text)));

        Assert.Equal("testimony.text", invalid.Field);
    }

    [Fact]
    public void A_testimony_with_text_is_received()
    {
        var testimony = Receive(Intake(EvidenceKind.Testimony, testimony: "I heard two drones over the camp after midnight."));

        Assert.Equal("I heard two drones over the camp after midnight.", testimony.TestimonyText);
    }

    [Theory]
    [InlineData(EvidenceKind.Photo)]
    [InlineData(EvidenceKind.Video)]
    [InlineData(EvidenceKind.Audio)]
    [InlineData(EvidenceKind.Document)]
    [InlineData(EvidenceKind.SatelliteImage)]
    public void A_file_kind_needs_its_stored_content(EvidenceKind kind)
    {
        var invalid = Assert.Throws<InvariantViolation>(() => Receive(Intake(kind)));

        Assert.Equal("file", invalid.Field);
    }

    [Fact]
    public void A_photo_keeps_the_hash_of_its_stored_content()
    {
        var photo = APhoto();

        Assert.True(photo.HasContent);
        Assert.Equal(PhotoContent.Sha256, photo.Sha256);
        Assert.Equal(PhotoContent.SizeBytes, photo.SizeBytes);
    }

    [Theory]
    [InlineData(EvidenceKind.Link)]
    [InlineData(EvidenceKind.Testimony)]
    public void A_link_or_testimony_takes_no_file(EvidenceKind kind)
    {
        var invalid = Assert.Throws<InvariantViolation>(() =>
            Receive(Intake(kind, "https://example.org/a", "A statement."), PhotoContent));

        Assert.Equal("file", invalid.Field);
    }

    [Fact]
    public void Evidence_cannot_be_collected_in_the_future()
    {
        var invalid = Assert.Throws<InvariantViolation>(() =>
            Receive(Intake(EvidenceKind.Link, "https://example.org/a", collectedAt: Kidal.Now.AddHours(1))));

        Assert.Equal("collectedAt", invalid.Field);
    }

    [Fact]
    public void Investigator_cannot_review_evidence_they_submitted()
    {
        var photo = APhoto();

        Assert.Throws<FourEyesViolation>(() =>
            photo.Review(People.Investigator, ReviewDecision.Accept, null, SourceReliability.B, 2, Later));

        Assert.Equal(ReviewStatus.Pending, photo.ReviewStatus);
        Assert.Null(photo.ReviewedBy);
        Assert.Single(photo.Custody);
    }

    [Theory]
    [InlineData(ReviewDecision.Accept)]
    [InlineData(ReviewDecision.Reject)]
    public void Evidence_is_reviewed_only_once(ReviewDecision first)
    {
        var photo = APhoto();
        photo.Review(People.Reviewer, first, "Metadata checked.", SourceReliability.B, 2, Later);
        var status = photo.ReviewStatus;

        Assert.Throws<TransitionNotAllowed>(() =>
            photo.Review(People.SecondReviewer, ReviewDecision.Reject, "Second opinion.", SourceReliability.E, 5, Later));

        Assert.Equal(status, photo.ReviewStatus);
        Assert.Equal(People.Reviewer, photo.ReviewedBy);
        Assert.Equal(2, photo.Custody.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-1)]
    public void Information_credibility_is_graded_from_1_to_6(int credibility)
    {
        var photo = APhoto();

        var invalid = Assert.Throws<InvariantViolation>(() =>
            photo.Review(People.Reviewer, ReviewDecision.Accept, null, SourceReliability.B, credibility, Later));

        Assert.Equal("informationCredibility", invalid.Field);
        Assert.Equal(ReviewStatus.Pending, photo.ReviewStatus);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void The_ends_of_the_credibility_scale_are_accepted(int credibility)
    {
        var photo = APhoto();

        photo.Review(People.Reviewer, ReviewDecision.Accept, null, SourceReliability.F, credibility, Later);

        Assert.Equal(credibility, photo.InformationCredibility);
        Assert.Equal(SourceReliability.F, photo.SourceReliability);
        Assert.Equal(ReviewStatus.Accepted, photo.ReviewStatus);
    }

    [Fact]
    public void Rejecting_evidence_needs_a_reason()
    {
        var photo = APhoto();

        var invalid = Assert.Throws<InvariantViolation>(() =>
            photo.Review(People.Reviewer, ReviewDecision.Reject, null, SourceReliability.E, 5, Later));

        Assert.Equal("reason", invalid.Field);
        Assert.Equal(ReviewStatus.Pending, photo.ReviewStatus);
    }

    [Fact]
    public void Intake_and_review_are_each_a_custody_event()
    {
        var photo = APhoto();

        var intake = Assert.Single(photo.Custody);
        Assert.Equal(CustodyAction.Intake, intake.Action);
        Assert.Equal(People.Investigator, intake.Actor);
        Assert.Equal(Kidal.Now, intake.At);
        Assert.Contains(PhotoContent.Sha256, intake.Details);

        photo.Review(People.Reviewer, ReviewDecision.Accept, null, SourceReliability.B, 2, Later);

        Assert.Equal([CustodyAction.Intake, CustodyAction.Reviewed], photo.Custody.Select(e => e.Action));
        var review = photo.Custody.Last();
        Assert.Equal(People.Reviewer, review.Actor);
        Assert.Equal(Later, review.At);
        Assert.All(photo.Custody, e => Assert.Equal(photo.Id, e.EvidenceId));
    }
}
