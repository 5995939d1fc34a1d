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


// A layer without weights computed by the TensorFlow ops Keras 3's TensorFlow backend runs for it.
function shapeCase(name, className, config, sampleShape, compute, oracle, phase = 0.3) {
  const shape = [2, ...sampleShape];
  const x = input(shape, phase);
  const y = compute(tf.tensor(x, shape));
  return { name, oracle, class_name: className, config, input_shape: shape, input: x, weights: [], output_shape: y.shape, output: Array.from(y.dataSync()) };
}

// Keras's channels_first layers move the channels last, run the channels_last op, and move them back.
function channelsLast(x) { return x.transpose([0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]); }
function channelsFirst(x) { return x.transpose([0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)]); }
function spatially(dataFormat, f) { return x => dataFormat === 'channels_first' ? channelsFirst(f(channelsLast(x))) : f(x); }

// Cropping1D / Cropping3D: a slice of the spatial axes (Keras slices the tensor).
// `pairs` are the (start, end) margins of each spatial axis; `configValue`, when given, is the
// shorter form a Keras config may hold instead (an int for every margin).
function croppingCase(name, className, cropping, dataFormat, sampleShape, configValue = cropping) {
  const pairs = className === 'Cropping1D' ? [cropping] : cropping;
  const config = className === 'Cropping1D' ? { cropping: configValue } : { cropping: configValue, data_format: dataFormat };
  return shapeCase(name, className, config, sampleShape, spatially(dataFormat, x => {
    const begin = [0, ...pairs.map(p => p[0]), 0];
    const size = [-1, ...pairs.map((p, i) => x.shape[i + 1] - p[0] - p[1]), -1];
    return tf.slice(x, begin, size);
  }), 'tfjs-slice-op');
}

// ZeroPadding1D / ZeroPadding3D: tf.pad with zeros, as Keras's layers call ops.pad.
function paddingCase(name, className, padding, dataFormat, sampleShape, configValue = padding) {
  const pairs = className === 'ZeroPadding1D' ? [padding] : padding;
  const config = className === 'ZeroPadding1D' ? { padding: configValue } : { padding: configValue, data_format: dataFormat };
  return shapeCase(name, className, config, sampleShape, spatially(dataFormat, x => tf.pad(x, [[0, 0], ...pairs, [0, 0]])), 'tfjs-pad-op');
}

// UpSampling1D / UpSampling3D: each step repeated `size` times along its axis (Keras calls
// ops.repeat, TensorFlow's tf.repeat); here a gather of the repeated indices, axis by axis.
function repeatAxis(x, axis, times) {
  const indices = Array.from({ length: x.shape[axis] * times }, (_, i) => Math.floor(i / times));
  return tf.gather(x, tf.tensor1d(indices, 'int32'), axis);
}
function upsamplingCase(name, className, size, dataFormat, sampleShape, configValue = size) {
  const sizes = className === 'UpSampling1D' ? [size] : size;
  const config = className === 'UpSampling1D' ? { size: configValue } : { size: configValue, data_format: dataFormat };
  return shapeCase(name, className, config, sampleShape, spatially(dataFormat, x => sizes.reduce((y, s, i) => repeatAxis(y, i + 1, s), x)), 'tfjs-gather-op-repeat');
}

// Global 3-D pooling: a max or mean over the three spatial axes.
function globalPooling3dCase(name, className, keepdims, dataFormat, sampleShape) {
  const axes = dataFormat === 'channels_first' ? [2, 3, 4] : [1, 2, 3];
  const reduce = className === 'GlobalMaxPooling3D' ? tf.max : tf.mean;
  return shapeCase(name, className, { data_format: dataFormat, keepdims }, sampleShape, x => reduce(x, axes, keepdims), 'tfjs-reduce-op');
}

// DepthwiseConv1D: TensorFlow's depthwise_conv2d on one-row images, as Keras's TensorFlow backend runs it.
function depthwiseConv1dCase(name, kernel, stride, padding, dilation, multiplier, activation, sampleShape, dataFormat = 'channels_last') {
  const channels = dataFormat === 'channels_first' ? sampleShape[0] : sampleShape[1];
  const config = { kernel_size: [kernel], strides: [stride], padding, depth_multiplier: multiplier, data_format: dataFormat, dilation_rate: [dilation], activation, use_bias: true };
  return opCase(name, 'DepthwiseConv1D', config, sampleShape, [[kernel, channels, multiplier], [channels * multiplier]], (x, [k, b]) => spatially(dataFormat, xl => {
    const y = tf.add(tf.depthwiseConv2d(xl.expandDims(1), k.expandDims(0), [1, stride], padding, 'NHWC', [1, dilation]).squeeze([1]), b);
    return activation === 'relu' ? tf.relu(y) : y;
  })(x), 'tfjs-depthwiseConv2d-op-one-row');
}

// GroupNormalization as Keras's layer computes it: the channels split into (groups, channels /
// groups), mean and variance (tf.moments) over every axis but the batch and the group, then
// (x - mean) * rsqrt(var + epsilon) * gamma + beta with gamma and beta per channel.
function groupNormalizationCase(name, groups, axis, epsilon, sampleShape) {
  const rank = sampleShape.length + 1;
  const a = axis < 0 ? axis + rank : axis;
  const channels = sampleShape[a - 1];
  const config = { groups, axis, epsilon, center: true, scale: true };
  return opCase(name, 'GroupNormalization', config, sampleShape, [[channels], [channels]], (x, [gamma, beta]) => {
    const grouped = [...x.shape.slice(0, a), groups, channels / groups, ...x.shape.slice(a + 1)];
    const xg = x.reshape(grouped);
    const axes = Array.from({ length: grouped.length - 1 }, (_, i) => i + 1).filter(i => i !== a);
    const { mean, variance } = tf.moments(xg, axes, true);
    const spread = grouped.map((_, i) => (i === a ? groups : i === a + 1 ? channels / groups : 1));
    const inv = tf.mul(tf.rsqrt(tf.add(variance, epsilon)), gamma.reshape(spread));
    return tf.add(tf.mul(tf.sub(xg, mean), inv), beta.reshape(spread)).reshape(x.shape);
  }, 'tfjs-moments-op');
}

// UnitNormalization: x * rsqrt(max(sum(x^2), 1e-24)) over the axes (Keras's ops.normalize, order 2, epsilon 1e-12).
function unitNormalizationCase(name, axis, sampleShape) {
  return shapeCase(name, 'UnitNormalization', { axis }, sampleShape,
    x => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-24))), 'tfjs-normalize-ops');
}

// Keras 3's activations that TensorFlow.js has no layer for: the formula Keras's TensorFlow backend
// (keras/src/backend/tensorflow/nn.py) computes, in TensorFlow.js ops. sparsemax follows the paper
// (tau from the cumulative sum at the support's size), as Keras's backends do since keras-team/keras#23469.
function sparsemax(x) {
  const n = x.shape[x.rank - 1];
  const sorted = tf.topk(x, n, true).values;
  const cumsum = tf.cumsum(sorted, x.rank - 1);
  const r = tf.range(1, n + 1);
  const support = tf.greater(sorted, tf.div(tf.sub(cumsum, 1), r));
  const k = tf.sum(tf.cast(support, 'float32'), -1, true);
  const cumsumAtK = tf.gather(cumsum, tf.sub(k, 1).cast('int32'), x.rank - 1, x.rank - 1);
  const tau = tf.div(tf.sub(cumsumAtK, 1), k);
  return tf.relu(tf.sub(x, tau));
}
const hardSigmoid3 = x => tf.div(tf.relu6(tf.add(x, 3)), 6);
const activationOps = {
  exponential: x => tf.exp(x),
  leaky_relu: x => tf.leakyRelu(x, 0.2),
  silu: x => tf.mul(x, tf.sigmoid(x)),
  log_softmax: x => tf.logSoftmax(x),
  hard_sigmoid: hardSigmoid3,
  hard_silu: x => tf.mul(x, hardSigmoid3(x)),
  hard_swish: x => tf.mul(x, hardSigmoid3(x)),
  sparse_sigmoid: x => tf.where(tf.lessEqual(x, -1), tf.zerosLike(x), tf.where(tf.greaterEqual(x, 1), tf.onesLike(x), tf.mul(0.5, tf.add(x, 1)))),
  celu: x => tf.add(tf.maximum(x, 0), tf.expm1(tf.minimum(x, 0))),
  glu: x => { const [a, b] = tf.split(x, 2, -1); return tf.mul(a, tf.sigmoid(b)); },
  hard_tanh: x => tf.clipByValue(x, -1, 1),
  log_sigmoid: x => tf.logSigmoid(x),
  soft_shrink: x => tf.where(tf.greater(x, 0.5), tf.sub(x, 0.5), tf.where(tf.less(x, -0.5), tf.add(x, 0.5), tf.zerosLike(x))),
  hard_shrink: x => tf.where(tf.greater(tf.abs(x), 0.5), x, tf.zerosLike(x)),
  tanh_shrink: x => tf.sub(x, tf.tanh(x)),
  sparse_plus: x => tf.where(tf.lessEqual(x, -1), tf.zerosLike(x), tf.where(tf.less(x, 1), tf.mul(0.25, tf.square(tf.add(x, 1))), x)),
  squareplus: x => tf.div(tf.add(x, tf.sqrt(tf.add(tf.square(x), 4))), 2),
  sparsemax,
};

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

    depthwiseConv1dCase('depthwise_conv1d_same_multiplier', 3, 1, 'same', 1, 2, 'linear', [7, 3]),
    depthwiseConv1dCase('depthwise_conv1d_valid_strided', 2, 2, 'valid', 1, 1, 'relu', [8, 2]),
    depthwiseConv1dCase('depthwise_conv1d_valid_dilated', 3, 1, 'valid', 2, 2, 'linear', [9, 2]),
    groupNormalizationCase('group_normalization_sequence', 2, -1, 0.001, [5, 6]),
    groupNormalizationCase('group_normalization_image', 3, -1, 0.01, [3, 4, 6]),
    groupNormalizationCase('group_normalization_channels_first', 2, 1, 0.001, [4, 3, 3]),
    groupNormalizationCase('group_normalization_instance', 4, -1, 0.001, [5, 4]),
    unitNormalizationCase('unit_normalization_last_axis', -1, [3, 5]),
    unitNormalizationCase('unit_normalization_two_axes', [1, 2], [3, 4]),
    croppingCase('cropping1d', 'Cropping1D', [1, 2], 'channels_last', [7, 3]),
    croppingCase('cropping3d', 'Cropping3D', [[1, 0], [0, 2], [1, 1]], 'channels_last', [3, 4, 5, 2]),
    croppingCase('cropping3d_channels_first', 'Cropping3D', [[0, 1], [1, 1], [2, 0]], 'channels_first', [2, 3, 4, 5]),
    paddingCase('zero_padding1d', 'ZeroPadding1D', [2, 1], 'channels_last', [4, 3]),
    paddingCase('zero_padding3d', 'ZeroPadding3D', [[1, 0], [0, 2], [1, 1]], 'channels_last', [2, 3, 2, 2]),
    paddingCase('zero_padding3d_channels_first', 'ZeroPadding3D', [[0, 1], [2, 1], [1, 0]], 'channels_first', [2, 2, 3, 2]),
    upsamplingCase('upsampling1d', 'UpSampling1D', 3, 'channels_last', [4, 2]),
    upsamplingCase('upsampling3d', 'UpSampling3D', [2, 1, 3], 'channels_last', [2, 3, 2, 2]),
    upsamplingCase('upsampling3d_channels_first', 'UpSampling3D', [1, 2, 2], 'channels_first', [2, 2, 3, 2]),
    croppingCase('cropping1d_int', 'Cropping1D', [2, 2], 'channels_last', [6, 2], 2),
    croppingCase('cropping3d_int', 'Cropping3D', [[1, 1], [1, 1], [1, 1]], 'channels_last', [3, 4, 5, 2], 1),
    paddingCase('zero_padding1d_int', 'ZeroPadding1D', [2, 2], 'channels_last', [3, 2], 2),
    paddingCase('zero_padding3d_int', 'ZeroPadding3D', [[1, 1], [1, 1], [1, 1]], 'channels_last', [2, 2, 3, 2], 1),
    upsamplingCase('upsampling3d_int', 'UpSampling3D', [2, 2, 2], 'channels_last', [2, 2, 3, 2], 2),
    depthwiseConv1dCase('depthwise_conv1d_same_strided_even_kernel', 2, 2, 'same', 1, 1, 'linear', [7, 3]),
    depthwiseConv1dCase('depthwise_conv1d_channels_first', 3, 1, 'valid', 1, 2, 'linear', [3, 6], 'channels_first'),
    groupNormalizationCase('group_normalization_one_group', 1, -1, 0.001, [3, 4, 6]),
    globalPooling3dCase('global_max_pooling3d', 'GlobalMaxPooling3D', false, 'channels_last', [3, 4, 2, 3]),
    globalPooling3dCase('global_average_pooling3d_keepdims', 'GlobalAveragePooling3D', true, 'channels_last', [3, 4, 2, 3]),
    globalPooling3dCase('global_average_pooling3d_channels_first', 'GlobalAveragePooling3D', false, 'channels_first', [3, 2, 4, 2]),
    globalPooling3dCase('global_max_pooling3d_channels_first_keepdims', 'GlobalMaxPooling3D', true, 'channels_first', [3, 2, 4, 2]),
    // Noise and dropout layers are the identity at inference; TensorFlow.js's layers where it has them.
    await layerCase('gaussian_dropout_inference', 'GaussianDropout', { rate: 0.4 }, [6]),
    await layerCase('alpha_dropout_inference', 'AlphaDropout', { rate: 0.3 }, [6]),
    await layerCase('gaussian_noise_inference', 'GaussianNoise', { stddev: 0.5 }, [6]),
    await layerCase('spatial_dropout1d_inference', 'SpatialDropout1D', { rate: 0.5 }, [4, 3]),
    shapeCase('spatial_dropout3d_inference', 'SpatialDropout3D', { rate: 0.5, data_format: 'channels_last' }, [2, 2, 2, 3], x => x.clone(), 'tfjs-identity-op'),
    shapeCase('identity', 'Identity', {}, [5], x => x.clone(), 'tfjs-identity-op'),
    shapeCase('activity_regularization_forward', 'ActivityRegularization', { l1: 0.01, l2: 0.02 }, [5], x => x.clone(), 'tfjs-identity-op'),
  ];
  for (const act of ['relu', 'linear', 'softmax', 'relu6', 'selu', 'swish', 'mish', 'softplus', 'softsign', 'elu', 'tanh', 'sigmoid', 'gelu'])
    cases.push(await layerCase(`activation_${act}`, 'Activation', { activation: act }, [9], 2, 0.1));
  for (const [act, f] of Object.entries(activationOps))
    cases.push(shapeCase(`activation_${act}`, 'Activation', { activation: act }, act === 'glu' ? [10] : [9], f, 'tfjs-activation-ops', 0.1));
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_layer_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
