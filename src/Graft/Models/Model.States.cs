using Graft.Layers;
using Graft.Layers.Recurrent;

namespace Graft.Models;

public partial class Model
{
    /// <summary>
    /// Starts every stateful recurrent layer of the model over, nested models and Bidirectional
    /// wrappers included (Keras 2's <c>model.reset_states()</c>; Keras 3 dropped the model-level call,
    /// and one calls <c>reset_state()</c> on each stateful layer, which this does). Layers that are not
    /// stateful are left alone, as in Keras. The next batch starts from zeros.
    /// </summary>
    public void ResetStates()
    {
        foreach (var layer in Stateful(this)) layer.ResetStates();
    }

    /// <summary>The stateful recurrent layers below <paramref name="layer"/>, each once (a shared layer may appear twice).</summary>
    private static IEnumerable<RecurrentLayer> Stateful(Layer layer)
    {
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Layer>([layer]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            if (next is RecurrentLayer { Stateful: true } r) yield return r;
            foreach (var sub in next.SubLayers) pending.Push(sub);
        }
    }
}
