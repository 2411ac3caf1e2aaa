using Verification.Persistence;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>One API on a temporary SQLite file shared by the tests of a class; each test makes its own people and claims.</summary>
public sealed class SqliteApiFixture : IAsyncLifetime
{
    public TestApi Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await TestApi.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await Api.DisposeAsync();
}
