using Verification.Api.Infrastructure.Persistence.Bulk;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// An import batch's record-state digests and staff documents are computed in parallel (InParallel.Map); the audit entry
/// and the stored documents must still come out in the claims' order, and a failure must surface as the sequential
/// loop's exception (ImportBulkEqualityTests and the read-model tests check the stored bytes themselves).
/// </summary>
public sealed class InParallelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(InParallel.From - 1)]
    [InlineData(InParallel.From)]
    [InlineData(InParallel.From + 1)]
    [InlineData(1_000)]
    [InlineData(1_017)]
    public void Results_keep_the_order_of_the_items(int count)
    {
        var items = Enumerable.Range(0, count).Select(i => $"claim-{i}").ToArray();

        var mapped = InParallel.Map(items, item => item + "/digest");

        Assert.Equal(items.Select(item => item + "/digest"), mapped);
    }

    [Fact]
    public void A_batch_of_an_import_is_spread_over_more_than_one_thread()
    {
        if (Environment.ProcessorCount == 1)
            return;
        var threads = new HashSet<int>();
        var gate = new Barrier(2);
        // Two items wait for each other: only two threads working at once get past the barrier.
        var mapped = InParallel.Map(Enumerable.Range(0, 1_000).ToArray(), i =>
        {
            if (i is 0 or 999)
                Assert.True(gate.SignalAndWait(TimeSpan.FromSeconds(30)), "The two ends of the batch never ran at the same time.");
            lock (threads)
                threads.Add(Environment.CurrentManagedThreadId);
            return i;
        });

        Assert.Equal(1_000, mapped.Length);
        Assert.True(threads.Count > 1);
    }

    [Fact]
    public void A_failure_comes_out_as_the_exception_itself_not_wrapped()
    {
        var items = Enumerable.Range(0, 500).ToArray();

        var e = Assert.Throws<InvalidOperationException>(() => InParallel.Map(items, i => i == 321 ? throw new InvalidOperationException("claim 321") : i));
        Assert.Equal("claim 321", e.Message);
    }
}
