using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>
/// Keras 3's operation nodes and Keras 2's TFOpLambda layers in functional configs, in the forms Keras
/// writes them (keras/src/models/functional.py and ops/operation.py's get_config; tf.keras's TFOpLambda).
/// </summary>
public class OperationNodeTests
{
    private static JsonObject Tensor3(string layer) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject { ["shape"] = new JsonArray(null, 4), ["dtype"] = "float32", ["keras_history"] = new JsonArray(layer, 0, 0) },
    };

    private static JsonObject Op(string module, string className, string name, JsonObject config, JsonArray args, JsonObject? kwargs = null)
    {
        config["name"] = name;
        return new JsonObject
        {
            ["module"] = module, ["class_name"] = className, ["config"] = config, ["registered_name"] = className, ["name"] = name,
            ["inbound_nodes"] = new JsonArray(new JsonObject { ["args"] = args, ["kwargs"] = kwargs ?? [] }),
        };
    }

    private static JsonObject Keras3Model()
    {
        // Input (4) → Dense(4) → (x + 3.0) → * (1/6) → mean over axis 1 with keepdims, concatenated with the dense output,
        // reshaped to (-1, 5, 1) and transposed: MobileNetV3's hard-swish arithmetic and the shape ops around it.
        var layers = new JsonArray(
            new JsonObject { ["module"] = "keras.layers", ["class_name"] = "InputLayer", ["name"] = "in", ["config"] = new JsonObject { ["batch_shape"] = new JsonArray(null, 4), ["dtype"] = "float32", ["name"] = "in" }, ["inbound_nodes"] = new JsonArray() },
            new JsonObject { ["module"] = "keras.layers", ["class_name"] = "Dense", ["name"] = "dense", ["config"] = new JsonObject { ["name"] = "dense", ["units"] = 4 },
                ["inbound_nodes"] = new JsonArray(new JsonObject { ["args"] = new JsonArray(Tensor3("in")), ["kwargs"] = new JsonObject() }) },
            Op("keras.src.ops.numpy", "Add", "add", [], new JsonArray(Tensor3("dense"), 3.0)),
            Op("keras.src.ops.numpy", "Multiply", "multiply", [], new JsonArray(Tensor3("add"), 1.0 / 6)),
            Op("keras.src.ops.numpy", "Mean", "mean", new JsonObject { ["axis"] = new JsonArray(1), ["keepdims"] = true }, new JsonArray(Tensor3("multiply"))),
            Op("keras.src.ops.numpy", "Concatenate", "concatenate", new JsonObject { ["axis"] = -1 }, new JsonArray(new JsonArray(Tensor3("dense"), Tensor3("mean")))),
            Op("keras.src.ops.numpy", "Reshape", "reshape", new JsonObject { ["newshape"] = new JsonArray(-1, 5, 1) }, new JsonArray(Tensor3("concatenate"))),
            Op("keras.src.ops.numpy", "Transpose", "transpose", new JsonObject { ["axes"] = new JsonArray(0, 2, 1) }, new JsonArray(Tensor3("reshape"))));
        return new JsonObject
        {
            ["module"] = "keras", ["class_name"] = "Functional",
            ["config"] = new JsonObject { ["name"] = "m", ["layers"] = layers, ["input_layers"] = new JsonArray("in", 0, 0), ["output_layers"] = new JsonArray("transpose", 0, 0) },
        };
    }

    private static float[] Expected(Model model, Tensor x)
    {
        var d = model.GetLayer("dense").Call(x);
        var hard = Ops.Multiply(Ops.Add(d, 3f), 1f / 6);
        var joined = Ops.Concatenate([d, Ops.Mean(hard, [1], keepDims: true)], -1);
        return Ops.Permute(Ops.Reshape(joined, -1, 5, 1), 0, 2, 1).ToArray();
    }

    [Fact]
    public void Keras3OperationNodesLoadAndRun()
    {
        var model = Model.FromJson(Keras3Model().ToJsonString());
        var x = Tensor.RandomNormal([3, 4], generator: new Generator(1));
        var y = model.Predict(x);
        Assert.Equal([3, 1, 5], y.Shape.ToArray());
        Assertions.Close(Expected(model, x), y.ToArray(), 1e-6f);
        Assert.Equal(["add", "multiply", "mean", "concatenate", "reshape", "transpose"],
            model.Layers.OfType<OperationLayer>().Select(l => l.Function));
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void ModelsWithOperationsSaveAndLoad(string extension)
    {
        var model = Model.FromJson(Keras3Model().ToJsonString());
        var x = Tensor.RandomNormal([3, 4], generator: new Generator(3));
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            Assertions.Close(model.Predict(x), Model.Load(path).Predict(x), 0f);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Keras2TFOpLambdaLoadsAndRuns()
    {
        JsonObject Lambda(string name, string function, JsonArray node) => new()
        {
            ["class_name"] = "TFOpLambda", ["name"] = name,
            ["config"] = new JsonObject { ["name"] = name, ["trainable"] = true, ["dtype"] = "float32", ["function"] = function },
            ["inbound_nodes"] = new JsonArray(node),
        };
        JsonArray Entry(string layer, JsonObject? kwargs = null) => new(layer, 0, 0, kwargs ?? []);
        var layers = new JsonArray(
            new JsonObject { ["class_name"] = "InputLayer", ["name"] = "in", ["config"] = new JsonObject { ["batch_input_shape"] = new JsonArray(null, 4), ["name"] = "in" }, ["inbound_nodes"] = new JsonArray() },
            new JsonObject { ["class_name"] = "Dense", ["name"] = "dense", ["config"] = new JsonObject { ["name"] = "dense", ["units"] = 4 }, ["inbound_nodes"] = new JsonArray(new JsonArray(Entry("in"))) },
            Lambda("tf.__operators__.add", "__operators__.add", new JsonArray(Entry("dense", new JsonObject { ["y"] = 3.0, ["name"] = null }))),
            Lambda("tf.math.multiply", "math.multiply", new JsonArray(Entry("tf.__operators__.add", new JsonObject { ["y"] = 1.0 / 6, ["name"] = null }))),
            Lambda("tf.math.reduce_mean", "math.reduce_mean", new JsonArray(Entry("tf.math.multiply", new JsonObject { ["axis"] = new JsonArray(1), ["keepdims"] = true, ["name"] = null }))),
            Lambda("tf.concat", "concat", new JsonArray(Entry("dense", new JsonObject { ["axis"] = -1, ["name"] = null }), Entry("tf.math.reduce_mean"))),
            Lambda("tf.reshape", "reshape", new JsonArray(Entry("tf.concat", new JsonObject { ["shape"] = new JsonArray(-1, 5, 1), ["name"] = null }))),
            Lambda("tf.compat.v1.transpose", "compat.v1.transpose", new JsonArray(Entry("tf.reshape", new JsonObject { ["perm"] = new JsonArray(0, 2, 1), ["name"] = null }))),
            Lambda("tf.math.multiply_1", "math.multiply", new JsonArray(Entry("tf.compat.v1.transpose", new JsonObject { ["y"] = new JsonArray("tf.compat.v1.transpose", 0, 0), ["name"] = null }))));
        var config = new JsonObject
        {
            ["class_name"] = "Functional",
            ["config"] = new JsonObject { ["name"] = "m", ["layers"] = layers, ["input_layers"] = new JsonArray(new JsonArray("in", 0, 0)), ["output_layers"] = new JsonArray(new JsonArray("tf.math.multiply_1", 0, 0)) },
        };
        var model = Model.FromJson(config.ToJsonString());
        var x = Tensor.RandomNormal([3, 4], generator: new Generator(2));
        var expected = Expected(model, x).Select(v => v * v).ToArray();
        Assertions.Close(expected, model.Predict(x).ToArray(), 1e-6f);
    }

    [Fact]
    public void UnknownOperationsAreNamedAndCanBeRegistered()
    {
        var config = Keras3Model();
        var layers = config["config"]!["layers"]!.AsArray();
        layers[^1] = Op("keras.src.ops.numpy", "Cumsum", "transpose", new JsonObject { ["axis"] = 2 }, new JsonArray(Tensor3("reshape")));
        var e = Assert.Throws<NotSupportedException>(() => Model.FromJson(config.ToJsonString()));
        Assert.Contains("Operation 'cumsum'", e.Message);
        Assert.Contains("OperationLayer.Register(\"cumsum\"", e.Message);
        // A registered implementation is used from then on (a running sum along the axis, by its definition).
        OperationLayer.Register("cumsum", c =>
        {
            var x = c.Tensor(0, "x");
            int axis = c.Ints(1, "axis")![0];
            var parts = Enumerable.Range(0, x.Shape[axis]).Select(i => Ops.Sum(x.Slice(axis, 0, i + 1), [axis], keepDims: true));
            return Ops.Concatenate(parts, axis);
        });
        var model = Model.FromJson(config.ToJsonString());
        var y = model.Predict(Tensor.Ones(2, 4)).ToArray();
        Assert.Equal([2 * 5 * 1], [y.Length]);
        Assert.True(OperationLayer.IsKnown("cumsum"));
    }
}
