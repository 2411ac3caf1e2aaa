using Verification.Persistence;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>
/// One API per provider, started on first use and shared by the tests of a class, so that a test can run on SQLite
/// and on PostgreSQL without paying for a new host each time. Each test makes its own people and claims.
/// </summary>
public sealed class ProvidersFixture : IAsyncLifetime
{
    private readonly Dictionary<DatabaseProvider, Task<TestApi>> _apis = [];
    private readonly Lock _gate = new();

    public Task<TestApi> For(DatabaseProvider provider)
    {
        lock (_gate)
        {
            if (!_apis.TryGetValue(provider, out var api))
                _apis[provider] = api = TestApi.StartAsync(provider);
            return api;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var api in _apis.Values)
        {
            if (api.IsCompletedSuccessfully)
                await api.Result.DisposeAsync();
        }
    }
}
