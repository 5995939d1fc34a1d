using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Graft.Tests;

/// <summary>
/// <see cref="GraftContext"/>: a scope gives its code its own random stream and layer names, settings
/// follow the parent until set, and scopes nest and flow as documented.
/// </summary>
public class GraftContextTests
{
    /// <summary>Names and numbers a model built in <paramref name="context"/> gets, after <paramref name="meet"/>.</summary>
    private static (string[] Names, float[] Numbers) BuildIn(GraftContext context, Action meet)
    {
        using (context.Use())
        {
            meet();
            var first = new Dense(3);
            meet();                       // the other thread builds its first layer between ours
            var second = new Dense(3);
            meet();
            var model = new Sequential([first, second]);
            model.Build([5, 4]);
            return ([first.Name, second.Name, model.Name], [.. model.GetWeights()[0].ToArray(), .. Tensor.RandomUniform([8]).ToArray()]);
        }
    }

    [Fact]
    public async Task TwoScopesOnTwoThreadsHaveTheirOwnSeedAndNames()
    {
        // Two "requests" interleave step by step; each must see what it would see alone.
        var alone = BuildIn(new GraftContext(seed: 7), () => { });
        using var barrier = new Barrier(2);
        var tasks = Enumerable.Range(0, 2)
            .Select(_ => Task.Factory.StartNew(() => BuildIn(new GraftContext(seed: 7), () => barrier.SignalAndWait(TimeSpan.FromSeconds(30))), TaskCreationOptions.LongRunning))
            .ToArray();
        foreach (var (names, numbers) in await Task.WhenAll(tasks))
        {
            Assert.Equal(["dense", "dense_1", "sequential"], names);
            Assert.Equal(alone.Numbers, numbers);
        }
        Assert.Equal(["dense", "dense_1", "sequential"], alone.Names);
    }

    [Fact]
    public void ScopesNestAndRestoreTheContextBefore()
    {
        var outer = new GraftContext();
        var inner = new GraftContext();
        var before = GraftContext.Current;
        using (outer.Use())
        {
            Assert.Same(outer, GraftContext.Current);
            using (inner.Use()) Assert.Same(inner, GraftContext.Current);
            Assert.Same(outer, GraftContext.Current);
        }
        Assert.Same(before, GraftContext.Current);
    }

    [Fact]
    public void DisposingAnOuterScopeFirstIsAnError()
    {
        var outerScope = new GraftContext().Use();
        var inner = new GraftContext();
        var innerScope = inner.Use();
        var ex = Assert.Throws<InvalidOperationException>(outerScope.Dispose);
        Assert.Contains("expected to end the innermost scope", ex.Message);
        Assert.Same(inner, GraftContext.Current);
        innerScope.Dispose();
        outerScope.Dispose();
    }

    [Fact]
    public async Task AScopeFlowsIntoTasksStartedInsideIt()
    {
        var context = new GraftContext();
        using (context.Use())
        {
            Assert.Same(context, await Task.Run(() => GraftContext.Current));
            await Task.Yield();
            Assert.Same(context, GraftContext.Current);
        }
    }

    [Fact]
    public void SettingsFollowTheParentUntilSetAndStateIsOwn()
    {
        var factory = new NullLoggerFactory();
        var writer = new StringWriter();
        var parent = new GraftContext(seed: 1) { Threads = 3, LoggerFactory = factory, ProgressWriter = writer };
        GraftContext child;
        using (parent.Use()) child = new GraftContext(seed: 1);
        Assert.Equal(3, child.Threads);
        Assert.Same(factory, child.LoggerFactory);
        Assert.Same(writer, child.ProgressWriter);
        Assert.Same(parent.BufferPool, child.BufferPool);

        child.Threads = 2;
        child.ProgressWriter = null;   // null is a value once set: nowhere, not "the parent's"
        Assert.Equal(3, parent.Threads);
        Assert.Null(child.ProgressWriter);
        Assert.Same(writer, parent.ProgressWriter);

        // The random stream is each context's own: drawing from one leaves the other where it was.
        parent.Generator.NextFloat();
        Assert.Equal(new Generator(1).NextFloat(), child.Generator.NextFloat());
    }

    [Fact]
    public void SetSeedRestartsTheStreamAndClearSessionTheNames()
    {
        using var context = new GraftContext().Use();
        GraftContext.Current.SetSeed(3);
        var a = Tensor.RandomNormal([4]).ToArray();
        Assert.Equal("dense", new Dense(1).Name);
        Assert.Equal("dense_1", new Dense(1).Name);
        GraftContext.Current.SetSeed(3);
        GraftContext.Current.ClearSession();
        Assert.Equal(a, Tensor.RandomNormal([4]).ToArray());
        Assert.Equal("dense", new Dense(1).Name);
    }

    [Fact]
    public void ThreadsMustBePositive()
    {
        var context = new GraftContext();
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Threads = -1);
    }

    [Fact]
    public void DefaultDrawsFromAnUnpredictableSeedAndPrintsNothing()
    {
        Assert.Equal(Environment.ProcessorCount, new GraftContext().Threads);   // from Default
        Assert.IsType<NullLoggerFactory>(GraftContext.Default.LoggerFactory);
        Assert.Null(GraftContext.Default.ProgressWriter);
        Assert.NotEqual(new GraftContext().Generator.NextUInt64(), new GraftContext().Generator.NextUInt64());
    }
}
