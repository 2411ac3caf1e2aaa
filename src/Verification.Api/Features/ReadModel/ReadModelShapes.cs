using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Features.ReadModel;

/// <summary>One stored document and the claim version it describes (its ETag).</summary>
public sealed record StoredDocument(long Version, byte[] Json)
{
    public IResult ToResult() => new StoredJsonResult(Json, Version);
}

/// <summary>A list page of stored documents, in the page's order.</summary>
public sealed record StoredPage(IReadOnlyList<byte[]> Items, string? NextCursor)
{
    public IResult ToResult() => new StoredPageResult(Items, NextCursor);
}
