using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// RNN with Keras's cells, stateful layers and Bidirectional with return_state, built from Keras configs,
/// against TensorFlow.js 4.22's outputs for the same configs, inputs and weights
/// (Fixtures/tfjs/recurrent_goldens.json, written by tools/tfjs_recurrent_goldens.js; see recurrent_goldens.md).
/// </summary>
public class TfjsRecurrentGoldenTests
{
    private static readonly JsonArray Cases = RecurrentGoldens.Load("recurrent_goldens.json");

    public static IEnumerable<object[]> Names => RecurrentGoldens.Names(Cases);

    [Theory]
    [MemberData(nameof(Names))]
    public void LayerMatchesTensorFlowJs(string name)
    {
        bool masked = Cases.Single(e => (string)e!["name"]! == name)!["masked"]!.AsArray().Count > 0;
        // Masking(0) as in the oracle's model: the zeroed steps are masked.
        RecurrentGoldens.Check(Cases, name, masked ? x => new Masking(0f).Call(x) : null);
    }
}
