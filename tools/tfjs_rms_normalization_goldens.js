// Writes tests/Graft.Tests/Fixtures/tfjs/rms_normalization_goldens.json: Keras 3.9's RMSNormalization
// computed by TensorFlow.js 4.22 ops (cpu backend), which has no such layer. See that folder's README.
//   npm install @tensorflow/tfjs@4.22.0      (in a scratch folder outside the repository)
//   NODE_PATH=<scratch>/node_modules node tools/tfjs_rms_normalization_goldens.js > tests/Graft.Tests/Fixtures/tfjs/rms_normalization_goldens.json
//
// keras/src/ops/nn.py (_rms_normalization): x · rsqrt(mean(x², axes, keepdims) + epsilon) · scale,
// the scale holding the normalized axes' sizes.
const tf = require('@tensorflow/tfjs');

function pattern(shape, phase, scale = 1) {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.round(1e4 * scale * (Math.sin(1.7 * i + phase) * 1.5 + 0.01 * i)) / 1e4);
}

function rmsCase(name, axis, epsilon, sampleShape) {
  const shape = [2, ...sampleShape];
  const rank = shape.length;
  const axes = (Array.isArray(axis) ? axis : [axis]).map(a => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const x = pattern(shape, 0.3);
  const scaleShape = axes.map(a => shape[a]);
  const scale = pattern(scaleShape, 2.1, 0.5);
  const xt = tf.tensor(x, shape);
  const rrms = tf.rsqrt(tf.add(tf.mean(tf.square(xt), axes, true), epsilon));
  // The scale spread over the normalized axes (size 1 elsewhere).
  const spread = shape.map((d, i) => (axes.includes(i) ? d : 1));
  const y = tf.mul(tf.mul(xt, rrms), tf.tensor(scale, scaleShape).reshape(spread));
  return { name, oracle: 'tfjs-ops-as-keras-rms-normalization', class_name: 'RMSNormalization', config: { axis, epsilon },
    input_shape: shape, input: x, weights: [{ shape: scaleShape, values: scale }], output_shape: y.shape, output: Array.from(y.dataSync()) };
}

(async () => {
  await tf.setBackend('cpu');
  const cases = [
    rmsCase('rms_normalization_last_axis', -1, 1e-6, [3, 5]),
    rmsCase('rms_normalization_two_trailing_axes', [1, 2], 1e-3, [3, 4]),
    rmsCase('rms_normalization_features_of_images', -1, 1e-6, [2, 3, 4]),
  ];
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_rms_normalization_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
