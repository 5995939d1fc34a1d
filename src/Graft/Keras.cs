using Graft.Layers;
using Graft.Layers.Core;
using Graft.Models;

namespace Graft;

/// <summary>Entry points named as in Keras's top-level namespace.</summary>
public static class Keras
{
    /// <summary>
    /// A symbolic input of per-sample <paramref name="shape"/> (Keras's <c>keras.Input</c>), the start
    /// of a functional model: <c>var x = Keras.Input([28, 28, 1]);</c>.
    /// </summary>
    public static SymbolicTensor Input(int[] shape, string? name = null) => new InputLayer(shape, name).Output;
}
