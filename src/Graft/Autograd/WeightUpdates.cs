using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

/// <summary>
/// Weight updates that a backward pass may apply as it goes. A rule about to compute a weight's
/// gradient asks <see cref="Take"/>; when the rule is the weight's last consumer in the graph and
/// nothing has added to its gradient yet, the gradient it computes is the whole of it, and no rule
/// run later reads the weight (every op that reads it is a consumer, and has run), so the rule
/// may hand the gradient to the update block by block instead of storing it. The optimizer's own
/// arithmetic runs on each block, so the weights end exactly as with a separate update pass.
/// </summary>
internal abstract class WeightUpdates
{
    [ThreadStatic] private static WeightUpdates? t_active;
    [ThreadStatic] private static List<Tensor>? t_completing;

    /// <summary>Whether a backward pass on this thread should tell rules which leaves they complete.</summary>
    internal static bool Active => t_active is not null;

    /// <summary>Offers these updates to the backward passes run on this thread until the scope is disposed.</summary>
    /// <exception cref="InvalidOperationException">Other updates are already offered on this thread.</exception>
    public IDisposable Offer()
    {
        if (t_active is not null) throw new InvalidOperationException("WeightUpdates: expected no updates offered on this thread, got a step already offering them.");
        t_active = this;
        return new Scope();
    }

    /// <summary>Set by the backward pass around each rule: the leaves whose last consumer the rule is.</summary>
    internal static void SetCompleting(List<Tensor>? leaves) => t_completing = leaves;

    /// <summary>
    /// The update of <paramref name="w"/> when the running rule may apply it in place of storing the
    /// gradient (see the class remarks); null otherwise. A rule that takes an update and applies it
    /// whole calls <see cref="Applied"/>.
    /// </summary>
    public static WeightRangeUpdate? Take(Tensor w)
    {
        var active = t_active;
        if (active is null || t_completing is not { } completing || w.Grad is not null) return null;
        foreach (var leaf in completing)
            if (ReferenceEquals(leaf, w)) return active.UpdateFor(w);
        return null;
    }

    /// <summary>Records that the whole update of <paramref name="w"/> has been applied.</summary>
    public static void Applied(Tensor w) => t_active?.OnApplied(w);

    /// <summary>The range update of weight <paramref name="w"/>, or null when it has none.</summary>
    protected abstract WeightRangeUpdate? UpdateFor(Tensor w);

    /// <summary>Told once per weight whose update a rule applied.</summary>
    protected abstract void OnApplied(Tensor w);

    private sealed class Scope : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            t_active = null;
            t_completing = null;
        }
    }
}
