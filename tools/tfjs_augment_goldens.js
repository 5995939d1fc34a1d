// Writes tests/Graft.Tests/Fixtures/tfjs/augment_goldens.json: Keras 3's color augmentation layers,
// with their random draws pinned, computed with TensorFlow.js 4.22 ops (cpu backend) following
// Keras's formulas. See tests/Graft.Tests/Fixtures/tfjs/augment_goldens.md.
//   npm install @tensorflow/tfjs@4.22.0      (in a scratch folder outside the repository)
//   NODE_PATH=<scratch>/node_modules node tools/tfjs_augment_goldens.js > tests/Graft.Tests/Fixtures/tfjs/augment_goldens.json
const tf = require('@tensorflow/tfjs');

// A fixed, reproducible batch of 2x5x6x3 images in [0, 1] (channel 2 of image 1 is flat, 0.5).
const shape = [2, 5, 6, 3];
const n = shape.reduce((a, b) => a * b, 1);
const x = Array.from({ length: n }, (_, i) => {
  if (i >= n / 2 && i % 3 === 2) return 0.5;
  return Math.round(1e4 * (0.2 + 0.6 * (0.5 + 0.5 * Math.sin(1.3 * i + 0.4)))) / 1e4;
});
const images = tf.tensor(x, shape);

// Keras's _transform_value_range.
const toRange = (t, from, to) => t.sub(from[0]).div(from[1] - from[0]).mul(to[1] - to[0]).add(to[0]);

function grayscale() {
  // tf.image.rgbToGrayscale: weights 0.2989, 0.5870, 0.1140; Keras broadcasts the one channel to three.
  return tf.image.rgbToGrayscale(images).tile([1, 1, 1, 3]);
}

function solarization() {
  // Default factors: addition 0, threshold 0; value range (0, 1).
  const v = toRange(images, [0, 1], [0, 255]).clipByValue(0, 255);
  const r = tf.where(v.less(0), v, tf.scalar(255).sub(v));
  return toRange(r, [0, 255], [0, 1]);
}

function invert() {
  // factor (1, 1): every image inverted about the value range's upper end, 1.
  return tf.scalar(1).sub(images);
}

function posterization(bits) {
  // value range (0, 1); uint8 cast truncates; clearing the low 8 - b bits is floor(v / 2^s) * 2^s.
  const s = Math.pow(2, 8 - bits);
  const v = toRange(images, [0, 1], [0, 255]).clipByValue(0, 255).floor();
  return toRange(v.div(s).floor().mul(s), [0, 255], [0, 1]);
}

const cases = [
  ['random_grayscale', 'RandomGrayscale', { factor: 1.0 }, grayscale()],
  ['solarization', 'Solarization', { addition_factor: 0.0, threshold_factor: 0.0, value_range: [0, 1] }, solarization()],
  ['random_invert', 'RandomInvert', { factor: [1.0, 1.0], value_range: [0, 1] }, invert()],
  ['random_posterization_3', 'RandomPosterization', { factor: [3, 3], value_range: [0, 1] }, posterization(3)],
  ['random_posterization_6', 'RandomPosterization', { factor: [6, 6], value_range: [0, 1] }, posterization(6)],
].map(([name, className, config, y]) => ({ name, oracle: 'tfjs-ops', class_name: className, config, output: Array.from(y.dataSync()) }));

process.stdout.write(JSON.stringify({ tfjs_version: tf.version.tfjs, input_shape: shape, input: x, cases }) + '\n');
