using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Features.ReadModel;

/// <summary>One stored document and the claim version it describes (its ETag).</summary>
public sealed record StoredDocument(long Version, byte[] Json)
{
    /// <summary>The caller named this version in <c>If-None-Match</c>: answered 304, and no bytes were read.</summary>
    public bool NotModified { get; private init; }

    /// <summary>The claim is at the version the caller already has (<see cref="NoneMatch.KnownVersion"/>).</summary>
    public static StoredDocument Unchanged(long version) => new(version, []) { NotModified = true };

    public IResult ToResult() => new StoredJsonResult(Json, Version, NotModified);
}

/// <summary>A list page of stored documents, in the page's order, its body composed (<see cref="StoredPageBody"/>).</summary>
public sealed record StoredPage(StoredPageBody Body)
{
    public IResult ToResult() => new StoredPageResult(Body);
}
