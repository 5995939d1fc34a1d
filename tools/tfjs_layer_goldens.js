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

// Layers TensorFlow.js has no layer class for (or no option of), computed with the TensorFlow ops
// that Keras 3's TensorFlow backend calls for them; `compute` gets the input and the weights.
function opCase(name, className, config, sampleShape, weightShapes, compute, oracle) {
  const shape = [2, ...sampleShape];
  const x = input(shape, 0.3);
  const weights = weightShapes.map((s, k) => ({ shape: s, values: input(s, 2.1 + k) }));
  const y = compute(tf.tensor(x, shape), weights.map(w => tf.tensor(w.values, w.shape)));
  return { name, oracle, class_name: className, config, input_shape: shape, input: x, weights, output_shape: y.shape, output: Array.from(y.dataSync()) };
}

// Keras's transposed-convolution output length (keras/src/backend/common/backend_utils.py,
// _get_output_shape_given_tf_padding), the output shape Keras passes to tf.nn.conv_transpose.
function transposedLength(n, k, s, padding, outputPadding) {
  if (padding === 'valid') return (n - 1) * s + k + (outputPadding === null ? Math.max(k, s) - k : outputPadding);
  return outputPadding === null ? n * s : (n - 1) * s + (k % 2) + outputPadding;
}

// Conv{1,2,3}DTranspose with output_padding: tf.conv*dTranspose with Keras's output shape, plus the bias.
function transposeCase(name, className, rank, filters, kernel, strides, padding, outputPadding, sampleShape) {
  const channels = sampleShape[sampleShape.length - 1];
  const config = { filters, kernel_size: kernel, strides, padding, output_padding: outputPadding, data_format: 'channels_last', dilation_rate: kernel.map(() => 1), activation: 'linear', use_bias: true };
  return opCase(name, className, config, sampleShape, [[...kernel, filters, channels], [filters]], (x, [w, b]) => {
    const spatial = sampleShape.slice(0, rank).map((n, i) => transposedLength(n, kernel[i], strides[i], padding, outputPadding[i]));
    let y;
    if (rank === 3) y = tf.conv3dTranspose(x, w, [2, ...spatial, filters], strides, padding);
    else if (rank === 2) y = tf.conv2dTranspose(x, w, [2, ...spatial, filters], strides, padding);
    // A sequence is a one-row image, as in Keras's TensorFlow backend.
    else y = tf.conv2dTranspose(x.expandDims(1), w.expandDims(0), [2, 1, ...spatial, filters], [1, strides[0]], padding).squeeze([1]);
    return tf.add(y, b);
  }, 'tfjs-conv-transpose-op-with-keras-output-shape');
}

// SeparableConv1D: TensorFlow's separable_conv2d on one-row images, as Keras's TensorFlow backend runs it.
function separableConv1dCase(name, filters, kernel, stride, padding, dilation, multiplier, sampleShape) {
  const channels = sampleShape[1];
  const config = { filters, kernel_size: [kernel], strides: [stride], padding, data_format: 'channels_last', dilation_rate: [dilation], depth_multiplier: multiplier, activation: 'linear', use_bias: true };
  return opCase(name, 'SeparableConv1D', config, sampleShape, [[kernel, channels, multiplier], [1, channels * multiplier, filters], [filters]], (x, [d, p, b]) =>
    tf.add(tf.separableConv2d(x.expandDims(1), d.expandDims(0), p.expandDims(0), [1, stride], padding, [1, dilation]).squeeze([1]), b),
  'tfjs-separableConv2d-op-one-row');
}

// EinsumDense: tf.einsum of the input and the kernel, plus the bias and the activation, the ops
// Keras's layer calls. The kernel and bias shapes are the ones Keras derives from the equation.
function einsumDenseCase(name, equation, outputShape, biasAxes, activation, sampleShape, kernelShape, biasShape) {
  const config = { equation, output_shape: outputShape, bias_axes: biasAxes, activation };
  const shapes = biasShape === null ? [kernelShape] : [kernelShape, biasShape];
  return opCase(name, 'EinsumDense', config, sampleShape, shapes, (x, [w, b]) => {
    let y = tf.einsum(equation, x, w);
    if (b) y = tf.add(y, b);
    return activation === 'tanh' ? tf.tanh(y) : y;
  }, 'tfjs-einsum-op');
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
    await layerCase('conv3d_same_strided', 'Conv3D', { filters: 3, kernel_size: [2, 3, 2], strides: [2, 1, 2], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1, 1], activation: 'linear', use_bias: true }, [4, 5, 4, 2]),
    await layerCase('conv3d_valid', 'Conv3D', { filters: 2, kernel_size: [3, 2, 2], strides: [1, 2, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1, 1], activation: 'tanh', use_bias: true }, [5, 4, 3, 3]),
    await layerCase('conv3d_transpose_valid', 'Conv3DTranspose', { filters: 2, kernel_size: [2, 3, 2], strides: [2, 1, 3], padding: 'valid', data_format: 'channels_last', activation: 'linear', use_bias: true }, [3, 3, 2, 2]),
    await layerCase('conv3d_transpose_same', 'Conv3DTranspose', { filters: 3, kernel_size: [3, 3, 2], strides: [2, 2, 1], padding: 'same', data_format: 'channels_last', activation: 'linear', use_bias: true }, [2, 3, 3, 2]),
    transposeCase('conv3d_transpose_output_padding_valid', 'Conv3DTranspose', 3, 2, [2, 2, 3], [3, 2, 2], 'valid', [2, 1, 0], [2, 3, 2, 2]),
    transposeCase('conv3d_transpose_output_padding_same', 'Conv3DTranspose', 3, 2, [3, 2, 3], [2, 2, 3], 'same', [1, 1, 2], [2, 3, 2, 2]),
    transposeCase('conv2d_transpose_output_padding_valid', 'Conv2DTranspose', 2, 3, [3, 2], [2, 3], 'valid', [1, 2], [3, 4, 2]),
    transposeCase('conv2d_transpose_output_padding_same', 'Conv2DTranspose', 2, 2, [3, 4], [3, 2], 'same', [2, 1], [3, 4, 2]),
    transposeCase('conv1d_transpose_output_padding_valid', 'Conv1DTranspose', 1, 2, [3], [2], 'valid', [1], [4, 3]),
    transposeCase('conv1d_transpose_output_padding_same', 'Conv1DTranspose', 1, 3, [4], [3], 'same', [2], [5, 2]),
    separableConv1dCase('separable_conv1d_same', 3, 3, 1, 'same', 2, 2, [6, 2]),
    separableConv1dCase('separable_conv1d_valid_strided', 2, 2, 2, 'valid', 1, 1, [7, 3]),
    einsumDenseCase('einsum_dense_dense', 'ab,bc->ac', [4], 'c', 'tanh', [5], [5, 4], [4]),
    einsumDenseCase('einsum_dense_heads', 'abc,cde->abde', [3, 2, 4], 'de', 'linear', [3, 5], [5, 2, 4], [2, 4]),
    einsumDenseCase('einsum_dense_two_contracted_axes', 'abcd,cde->abe', [2, 3], 'e', 'linear', [2, 4, 3], [4, 3, 3], [3]),
    einsumDenseCase('einsum_dense_gapped_bias', 'abc,cd->abd', [3, 4], 'bd', 'linear', [3, 2], [2, 4], [3, 4]),
    einsumDenseCase('einsum_dense_no_bias', 'abc,cd->adb', [4, 3], null, 'linear', [3, 2], [2, 4], null),
  ];
  for (const act of ['relu6', 'selu', 'swish', 'mish', 'softplus', 'softsign', 'elu', 'tanh', 'sigmoid', 'gelu'])
    cases.push(await layerCase(`activation_${act}`, 'Activation', { activation: act }, [9], 2, 0.1));
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_layer_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
