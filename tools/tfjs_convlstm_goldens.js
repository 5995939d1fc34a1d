// Writes tests/Graft.Tests/Fixtures/tfjs/convlstm_goldens.json: Keras's ConvLSTM1D, ConvLSTM2D and
// ConvLSTM3D computed by TensorFlow.js 4.22 (cpu backend), with their inputs, weights and outputs.
// See convlstm_goldens.md beside the fixture.
//   npm install @tensorflow/tfjs@4.22.0      (in a scratch folder outside the repository)
//   NODE_PATH=<scratch>/node_modules node tools/tfjs_convlstm_goldens.js > tests/Graft.Tests/Fixtures/tfjs/convlstm_goldens.json
const tf = require('@tensorflow/tfjs');

// A fixed, reproducible input: a sine pattern with distinct values.
function pattern(n, phase) {
  return Array.from({ length: n }, (_, i) => Math.round(1e4 * (Math.sin(1.7 * i + phase) * 1.5 + 0.01 * i)) / 1e4);
}

// Weight values for a weight of `shape`, the k-th of its layer, scaled down so that the gates do not saturate.
function weightValues(shape, k) {
  return pattern(shape.reduce((a, b) => a * b, 1), 2.1 + k).map(v => v * 0.3);
}

const arrays = ts => ts.map(o => ({ shape: o.shape, values: Array.from(o.dataSync()) }));

// A functional model input → the layer built by TensorFlow.js from a Keras config; its outputs (one,
// or the output and the states with return_state) are the model's. `calls` batches are predicted
// one after the other (a stateful layer carries its states from one to the next).
async function layerCase(name, className, config, sampleShape, { outputs = 1, calls = 1, batch = 2 } = {}) {
  const shape = [batch, ...sampleShape];
  const stateful = config.stateful || (config.layer && config.layer.config.stateful);
  const inputConfig = { batch_input_shape: stateful ? shape : [null, ...sampleShape], dtype: 'float32', name: 'in' };
  const topology = {
    class_name: 'Model',
    config: {
      name: 'm',
      layers: [
        { class_name: 'InputLayer', name: 'in', inbound_nodes: [], config: inputConfig },
        { class_name: className, name: 'layer', config: { name: 'layer', ...config }, inbound_nodes: [[['in', 0, 0, {}]]] },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: Array.from({ length: outputs }, (_, k) => ['layer', 0, k]),
    },
  };
  const model = await tf.models.modelFromJSON({ modelTopology: topology });
  const layer = model.getLayer('layer');
  layer.setWeights(layer.getWeights().map((w, k) => tf.tensor(weightValues(w.shape, k), w.shape)));
  const weights = arrays(layer.getWeights());
  const n = shape.reduce((a, b) => a * b, 1);
  const inputs = [], results = [];
  for (let c = 0; c < calls; c++) {
    const x = pattern(n, 0.3 + c);
    inputs.push(x);
    let y = model.predict(tf.tensor(x, shape));
    if (!Array.isArray(y)) y = [y];
    results.push(arrays(y));
  }
  return { name, oracle: 'tfjs-layer', class_name: className, config, input_shape: shape, inputs, weights, outputs: results };
}

// ConvLSTM1D, which TensorFlow.js lacks, as its ConvLSTM2D over rows of height 1 with kernel (1, k),
// strides (1, s) and dilation (1, d): the same recurrence, one axis longer. The case records the
// 1-D config, input (N, T, L, C), the weights without their leading kernel axis of 1, and the
// outputs without their axis of height 1.
async function convLstm1dCase(name, config, sampleShape, options = {}) {
  const [steps, length, channels] = sampleShape;
  const two = { ...config, kernel_size: [1, config.kernel_size[0]], strides: [1, (config.strides || [1])[0]], dilation_rate: [1, (config.dilation_rate || [1])[0]] };
  const c = await layerCase(name, 'ConvLSTM2D', two, [steps, 1, length, channels], options);
  const dropRows = o => ({ shape: o.shape.filter((d, i) => !(d === 1 && i === o.shape.length - 3)), values: o.values });
  return {
    ...c,
    oracle: 'tfjs-layer ConvLSTM2D over rows of height 1',
    class_name: 'ConvLSTM1D',
    config,
    input_shape: [c.input_shape[0], steps, length, channels],
    weights: c.weights.map(w => w.shape.length === 4 ? { shape: w.shape.slice(1), values: w.values } : w),
    outputs: c.outputs.map(call => call.map(dropRows)),
  };
}

// ConvLSTM3D, which TensorFlow.js lacks as a layer: Keras's recurrence (keras/src/layers/rnn/conv_lstm.py,
// ConvLSTMCell.call) scripted with tf.conv3d, gates i, f, c, o; the input convolution takes the
// layer's strides, padding and dilation, the recurrent one stride 1 and "same" padding.
function convLstm3dCase(name, config, sampleShape, { batch = 2 } = {}) {
  const shape = [batch, ...sampleShape];
  const [steps, , , , channels] = sampleShape;
  const f = config.filters, k = config.kernel_size;
  const strides = config.strides || [1, 1, 1], dilation = config.dilation_rate || [1, 1, 1], padding = config.padding || 'valid';
  const shapes = [[...k, channels, 4 * f], [...k, f, 4 * f], [4 * f]];
  const w = shapes.map((s, i) => tf.tensor(weightValues(s, i), s));
  const x = tf.tensor(pattern(shape.reduce((a, b) => a * b, 1), 0.3), shape);
  const act = { tanh: t => tf.tanh(t), sigmoid: t => tf.sigmoid(t) };
  const activation = act[config.activation || 'tanh'], gate = act[config.recurrent_activation || 'sigmoid'];
  const gates = (t, axis) => tf.split(t, 4, axis);
  const [ki, kf, kc, ko] = gates(w[0], 4), [ri, rf, rc, ro] = gates(w[1], 4), [bi, bf, bc, bo] = gates(w[2], 0);
  const inputConv = (xt, kern, b) => tf.add(tf.conv3d(xt, kern, strides, padding, 'NDHWC', dilation), b);
  const recurrentConv = (h, kern) => tf.conv3d(h, kern, [1, 1, 1], 'same', 'NDHWC');
  const first = inputConv(tf.slice(x, [0, 0, 0, 0, 0, 0], [batch, 1, ...sampleShape.slice(1)]).squeeze([1]), ki, bi);
  let h = tf.zerosLike(first), c = tf.zerosLike(first);
  const sequence = [];
  for (let s = 0; s < steps; s++) {
    const t = config.go_backwards ? steps - 1 - s : s;
    const xt = tf.slice(x, [0, t, 0, 0, 0, 0], [batch, 1, ...sampleShape.slice(1)]).squeeze([1]);
    const i = gate(tf.add(inputConv(xt, ki, bi), recurrentConv(h, ri)));
    const fg = gate(tf.add(inputConv(xt, kf, bf), recurrentConv(h, rf)));
    c = tf.add(tf.mul(fg, c), tf.mul(i, activation(tf.add(inputConv(xt, kc, bc), recurrentConv(h, rc)))));
    const o = gate(tf.add(inputConv(xt, ko, bo), recurrentConv(h, ro)));
    h = tf.mul(o, activation(c));
    sequence.push(h);
  }
  const output = config.return_sequences ? tf.stack(sequence, 1) : h;
  const outputs = config.return_state ? [output, h, c] : [output];
  return {
    name, oracle: 'tfjs conv3d script of the ConvLSTM recurrence', class_name: 'ConvLSTM3D', config, input_shape: shape,
    inputs: [Array.from(x.dataSync())], weights: arrays(w), outputs: [arrays(outputs)],
  };
}

const lstm2d = extra => ({ filters: 2, kernel_size: [2, 2], activation: 'tanh', recurrent_activation: 'sigmoid', ...extra });

(async () => {
  await tf.setBackend('cpu');
  // TensorFlow.js's LSTM cells default to Keras 1's hard-sigmoid gates, so every config names its recurrent_activation.
  const cases = [
    await layerCase('convlstm2d_valid_last', 'ConvLSTM2D', lstm2d({}), [3, 4, 4, 2]),
    await layerCase('convlstm2d_same_sequences', 'ConvLSTM2D', lstm2d({ filters: 3, kernel_size: [3, 3], padding: 'same', return_sequences: true }), [3, 4, 5, 2]),
    await layerCase('convlstm2d_strided_return_state', 'ConvLSTM2D', lstm2d({ kernel_size: [3, 2], strides: [2, 1], return_state: true }), [3, 5, 4, 1], { outputs: 3 }),
    await layerCase('convlstm2d_dilated_same_backwards_sequences', 'ConvLSTM2D',
      lstm2d({ dilation_rate: [2, 2], padding: 'same', go_backwards: true, return_sequences: true }), [4, 5, 4, 2]),
    await layerCase('convlstm2d_strided_same_backwards_state', 'ConvLSTM2D',
      lstm2d({ kernel_size: [3, 3], strides: [2, 2], padding: 'same', go_backwards: true, return_state: true }), [3, 5, 5, 2], { outputs: 3 }),
    await layerCase('convlstm2d_no_bias_relu', 'ConvLSTM2D', lstm2d({ use_bias: false, activation: 'relu' }), [3, 3, 3, 2]),
    await layerCase('convlstm2d_stateful', 'ConvLSTM2D', lstm2d({ stateful: true, return_sequences: true }), [2, 3, 3, 1], { calls: 3 }),
    await layerCase('bidirectional_convlstm2d_sequences', 'Bidirectional',
      { layer: { class_name: 'ConvLSTM2D', config: lstm2d({ padding: 'same', return_sequences: true }) }, merge_mode: 'concat' }, [3, 3, 4, 2]),
    await convLstm1dCase('convlstm1d_valid_sequences', { filters: 3, kernel_size: [3], activation: 'tanh', recurrent_activation: 'sigmoid', return_sequences: true }, [4, 6, 2]),
    await convLstm1dCase('convlstm1d_strided_same_state', { filters: 2, kernel_size: [2], strides: [2], padding: 'same', activation: 'tanh', recurrent_activation: 'sigmoid', return_state: true }, [3, 5, 2], { outputs: 3 }),
    await convLstm1dCase('convlstm1d_dilated_backwards', { filters: 2, kernel_size: [2], dilation_rate: [2], activation: 'tanh', recurrent_activation: 'sigmoid', go_backwards: true }, [3, 6, 1]),
    convLstm3dCase('convlstm3d_valid_sequences', { filters: 2, kernel_size: [2, 2, 2], return_sequences: true }, [3, 3, 3, 3, 1]),
    convLstm3dCase('convlstm3d_same_strided_state', { filters: 2, kernel_size: [2, 3, 2], strides: [1, 2, 1], padding: 'same', return_state: true }, [2, 3, 4, 3, 2]),
    convLstm3dCase('convlstm3d_dilated_backwards', { filters: 2, kernel_size: [2, 2, 2], dilation_rate: [1, 2, 2], padding: 'same', go_backwards: true }, [3, 2, 3, 3, 1]),
  ];
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_convlstm_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
