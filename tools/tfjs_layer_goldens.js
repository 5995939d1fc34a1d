// Writes tests/Graft.Tests/Fixtures/tfjs/layer_goldens.json: Keras layers built by TensorFlow.js 4.22
// (cpu backend) from Keras configs, with their inputs, weights and outputs. See that folder's README.
//   npm install @tensorflow/tfjs@4.22.0      (in a scratch folder outside the repository)
//   NODE_PATH=<scratch>/node_modules node tools/tfjs_layer_goldens.js > tests/Graft.Tests/Fixtures/tfjs/layer_goldens.json
const tf = require('@tensorflow/tfjs');

// A fixed, reproducible input: a sine pattern with distinct values (no ties for max pooling).
function input(shape, phase) {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => Math.round(1e4 * (Math.sin(1.7 * i + phase) * 1.5 + 0.01 * i)) / 1e4);
  return values;
}

async function layerCase(name, className, config, sampleShape, batch = 2, phase = 0.3) {
  const shape = [batch, ...sampleShape];
  const x = input(shape, phase);
  const topology = {
    class_name: 'Sequential',
    config: { name: 'm', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, ...sampleShape], dtype: 'float32', name: 'in' } },
      { class_name: className, config: { name: 'layer', ...config } },
    ] },
  };
  return run(name, className, config, topology, [shape], [x]);
}

// A two-input layer (a merge): a functional model whose inputs feed the layer directly.
async function mergeCase(name, className, config, sampleShapes) {
  const shapes = sampleShapes.map(s => [2, ...s]);
  const xs = shapes.map((s, k) => input(s, 0.3 + k));
  const topology = {
    class_name: 'Model',
    config: { name: 'm', layers: [
      ...sampleShapes.map((s, k) => ({ class_name: 'InputLayer', name: `in${k}`, inbound_nodes: [], config: { batch_input_shape: [null, ...s], dtype: 'float32', name: `in${k}` } })),
      { class_name: className, name: 'layer', config: { name: 'layer', ...config }, inbound_nodes: [sampleShapes.map((_, k) => [`in${k}`, 0, 0, {}])] },
    ],
    input_layers: sampleShapes.map((_, k) => [`in${k}`, 0, 0]), output_layers: [['layer', 0, 0]] },
  };
  return run(name, className, config, topology, shapes, xs);
}

async function run(name, className, config, topology, shapes, xs) {
  const model = await tf.models.modelFromJSON({ modelTopology: topology });
  const layer = model.layers[model.layers.length - 1];
  // Weights other than the initial ones, so that scale and offset matter.
  layer.setWeights(layer.getWeights().map((w, k) => tf.tensor(input(w.shape, 2.1 + k), w.shape)));
  const weights = layer.getWeights().map(w => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
  const y = model.predict(xs.length === 1 ? tf.tensor(xs[0], shapes[0]) : xs.map((x, k) => tf.tensor(x, shapes[k])));
  const inputs = xs.length === 1 ? { input_shape: shapes[0], input: xs[0] } : { input_shapes: shapes, inputs: xs };
  return { name, oracle: 'tfjs-layer', class_name: className, config, ...inputs, weights, output_shape: y.shape, output: Array.from(y.dataSync()) };
}

// TensorFlow.js's UpSampling2D calls resizeBilinear without half-pixel centers (TensorFlow 1's
// rule); Keras 3 calls ops.image.resize, which uses them. The bilinear case is therefore the
// TensorFlow kernel with half-pixel centers, applied as Keras 3's layer does.
function bilinearUpsampling(name, size, sampleShape) {
  const shape = [2, ...sampleShape];
  const x = input(shape, 0.9);
  const y = tf.image.resizeBilinear(tf.tensor(x, shape), [sampleShape[0] * size[0], sampleShape[1] * size[1]], false, true);
  return { name, oracle: 'tfjs-resizeBilinear-half-pixel', class_name: 'UpSampling2D', config: { size, interpolation: 'bilinear', data_format: 'channels_last' },
    input_shape: shape, input: x, weights: [], output_shape: y.shape, output: Array.from(y.dataSync()) };
}

(async () => {
  await tf.setBackend('cpu');
  const cases = [
    await layerCase('max_pooling3d_same', 'MaxPooling3D', { pool_size: [2, 2, 2], strides: [2, 1, 2], padding: 'same', data_format: 'channels_last' }, [3, 4, 5, 2]),
    await layerCase('max_pooling3d_valid', 'MaxPooling3D', { pool_size: [2, 3, 2], strides: [1, 1, 1], padding: 'valid', data_format: 'channels_last' }, [3, 4, 5, 2]),
    await layerCase('average_pooling3d_same', 'AveragePooling3D', { pool_size: [3, 2, 2], strides: [2, 2, 2], padding: 'same', data_format: 'channels_last' }, [3, 4, 5, 2]),
    await layerCase('average_pooling3d_valid', 'AveragePooling3D', { pool_size: [2, 2, 2], strides: [1, 2, 2], padding: 'valid', data_format: 'channels_last' }, [3, 4, 5, 2]),
    await layerCase('thresholded_relu', 'ThresholdedReLU', { theta: 0.4 }, [7]),
    await layerCase('layer_normalization_two_axes', 'LayerNormalization', { axis: [1, 2], epsilon: 0.001, center: true, scale: true }, [3, 4, 2]),
    await layerCase('layer_normalization_middle_axis', 'LayerNormalization', { axis: -2, epsilon: 0.01, center: true, scale: true }, [3, 4, 2]),
    await mergeCase('dot_last_axes', 'Dot', { axes: -1, normalize: false }, [[5], [5]]),
    await mergeCase('dot_normalized_sequences', 'Dot', { axes: [2, 2], normalize: true }, [[3, 4], [2, 4]]),
    await mergeCase('dot_crossed_axes', 'Dot', { axes: [1, 2], normalize: false }, [[3, 4], [4, 3]]),
    bilinearUpsampling('upsampling2d_bilinear', [2, 3], [3, 4, 2]),
  ];
  for (const act of ['relu6', 'selu', 'swish', 'mish', 'softplus', 'softsign', 'elu', 'tanh', 'sigmoid', 'gelu'])
    cases.push(await layerCase(`activation_${act}`, 'Activation', { activation: act }, [9], 2, 0.1));
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_layer_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
