using Graft.Layers;

namespace Graft.Models;

/// <summary>
/// One row of a model's summary (see <see cref="Model.SummaryRows"/>): a layer call of a functional
/// model, with the output shapes its graph recorded, or a layer of a Sequential.
/// </summary>
/// <param name="Layer">The layer.</param>
/// <param name="OutputShapes">The call's output shapes (batch axis null; one, or several for a call with several outputs); null while a Sequential is unbuilt.</param>
/// <param name="Params">Parameters counted on this row: the layer's on its first row, 0 on the further calls of a shared layer; null for an unbuilt layer.</param>
/// <param name="ConnectedTo">The inputs of the call, as Keras writes them (<c>dense[0][0]</c>); empty for a Sequential's rows and for input layers.</param>
internal sealed record SummaryRow(Layer Layer, IReadOnlyList<int?[]>? OutputShapes, long? Params, IReadOnlyList<string> ConnectedTo);
