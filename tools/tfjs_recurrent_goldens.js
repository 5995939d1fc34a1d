// Writes tests/Graft.Tests/Fixtures/tfjs/recurrent_goldens.json: Keras recurrent layers built by
// TensorFlow.js 4.22 (cpu backend) from Keras configs, with their inputs, weights and outputs.
// See recurrent_goldens.md beside the fixture.
//   npm install @tensorflow/tfjs@4.22.0      (in a scratch folder outside the repository)
//   NODE_PATH=<scratch>/node_modules node tools/tfjs_recurrent_goldens.js > tests/Graft.Tests/Fixtures/tfjs/recurrent_goldens.json
const tf = require('@tensorflow/tfjs');

// A fixed, reproducible input: a sine pattern with distinct values.
function pattern(n, phase) {
  return Array.from({ length: n }, (_, i) => Math.round(1e4 * (Math.sin(1.7 * i + phase) * 1.5 + 0.01 * i)) / 1e4);
}

// Weights other than the initial ones, scaled down so that the gates do not saturate.
function weights(layer) {
  layer.setWeights(layer.getWeights().map((w, k) => tf.tensor(pattern(w.size, 2.1 + k).map(v => v * 0.4), w.shape)));
  return layer.getWeights().map(w => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
}

// A functional model: input → (Masking) → the layer, whose outputs (one, or the output and the states
// with return_state) are the model's. `calls` batches are predicted one after the other (a stateful
// layer carries its states from one to the next). `masked` lists [sample, step] pairs zeroed in every
// batch, which Masking(0) masks.
async function recurrentCase(name, className, config, sampleShape, { outputs = 1, calls = 1, masked = [], batch = 2, stateOrder = null } = {}) {
  const shape = [batch, ...sampleShape];
  const inputConfig = { batch_input_shape: config.stateful ? shape : [null, ...sampleShape], dtype: 'float32', name: 'in' };
  const layers = [{ class_name: 'InputLayer', name: 'in', inbound_nodes: [], config: inputConfig }];
  let previous = 'in';
  if (masked.length > 0) {
    layers.push({ class_name: 'Masking', name: 'mask', config: { name: 'mask', mask_value: 0 }, inbound_nodes: [[['in', 0, 0, {}]]] });
    previous = 'mask';
  }
  layers.push({ class_name: className, name: 'layer', config: { name: 'layer', ...config }, inbound_nodes: [[[previous, 0, 0, {}]]] });
  const topology = {
    class_name: 'Model',
    config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: Array.from({ length: outputs }, (_, k) => ['layer', 0, k]) },
  };
  const model = await tf.models.modelFromJSON({ modelTopology: topology });
  const w = weights(model.getLayer('layer'));
  const n = shape.reduce((a, b) => a * b, 1);
  const inputs = [], results = [];
  for (let c = 0; c < calls; c++) {
    const x = pattern(n, 0.3 + c);
    const steps = sampleShape[0], features = sampleShape.slice(1).reduce((a, b) => a * b, 1);
    for (const [s, t] of masked) for (let f = 0; f < features; f++) x[(s * steps + t) * features + f] = 0;
    inputs.push(x);
    let y = model.predict(tf.tensor(x, shape));
    if (!Array.isArray(y)) y = [y];
    if (stateOrder) y = [y[0], ...keras3StateOrder(y.slice(1), stateOrder)];
    results.push(y.map(o => ({ shape: o.shape, values: Array.from(o.dataSync()) })));
  }
  return { name, oracle: 'tfjs-layer', class_name: className, config, input_shape: shape, masked, inputs, weights: w, outputs: results };
}

// TensorFlow.js's StackedRNNCells lists the states of the last cell first (Keras 2's old
// reverse_state_order); Keras 3 lists them bottom cell first (keras/src/layers/rnn/stacked_rnn_cells.py).
// `counts` is each cell's number of states, bottom first.
function keras3StateOrder(states, counts) {
  const blocks = [];
  let at = 0;
  for (const k of counts.slice().reverse()) { blocks.push(states.slice(at, at + k)); at += k; }
  return blocks.reverse().flat();
}

const lstmCell = (units, extra = {}) => ({ class_name: 'LSTMCell', config: { units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true, ...extra } });
const gruCell = (units, extra = {}) => ({ class_name: 'GRUCell', config: { units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, reset_after: false, ...extra } });
const simpleCell = (units, extra = {}) => ({ class_name: 'SimpleRNNCell', config: { units, activation: 'tanh', use_bias: true, ...extra } });
const stacked = cells => ({ class_name: 'StackedRNNCells', config: { cells } });

(async () => {
  await tf.setBackend('cpu');
  // TensorFlow.js's LSTM and GRU layers default to hard_sigmoid gates (Keras 1's default, meaning
  // 0.2·x + 0.5), so the configs name their recurrent_activation. TensorFlow.js's Bidirectional does
  // not zero the outputs of masked steps as Keras's does (zero_output_for_mask), so the masked
  // Bidirectional case returns the last step only.
  const cases = [
    await recurrentCase('rnn_simple_rnn_cell_sequences', 'RNN', { cell: simpleCell(3), return_sequences: true }, [4, 2]),
    await recurrentCase('rnn_lstm_cell_backwards', 'RNN', { cell: lstmCell(3), return_sequences: true, go_backwards: true }, [4, 2]),
    await recurrentCase('rnn_gru_cell_reset_before', 'RNN', { cell: gruCell(3, { activation: 'softsign' }) }, [5, 2]),
    await recurrentCase('rnn_stacked_cells_backwards', 'RNN', { cell: stacked([lstmCell(3), simpleCell(2, { activation: 'relu' })]), return_sequences: true, go_backwards: true }, [4, 3]),
    await recurrentCase('rnn_stacked_cells_return_state', 'RNN', { cell: stacked([gruCell(2), lstmCell(3)]), return_state: true }, [4, 2], { outputs: 4, stateOrder: [1, 2] }),
    await recurrentCase('rnn_stacked_cells_masked', 'RNN', { cell: stacked([lstmCell(3), gruCell(2)]), return_sequences: true }, [5, 2], { masked: [[0, 1], [0, 4], [1, 0]] }),
    await recurrentCase('rnn_lstm_cell_masked_backwards_state', 'RNN', { cell: lstmCell(2), go_backwards: true, return_state: true }, [5, 2], { outputs: 3, masked: [[0, 3], [1, 4]] }),
    await recurrentCase('rnn_stateful_lstm_cell', 'RNN', { cell: lstmCell(3), return_sequences: true, stateful: true }, [3, 2], { calls: 3 }),
    await recurrentCase('rnn_stateful_stacked_cells', 'RNN', { cell: stacked([simpleCell(2), lstmCell(2)]), stateful: true }, [3, 2], { calls: 2 }),
    await recurrentCase('lstm_stateful', 'LSTM', { units: 3, recurrent_activation: 'sigmoid', stateful: true, return_sequences: true }, [3, 2], { calls: 3 }),
    await recurrentCase('gru_stateful', 'GRU', { units: 2, recurrent_activation: 'sigmoid', stateful: true, reset_after: false }, [4, 2], { calls: 2 }),
    await recurrentCase('simple_rnn_stateful_backwards', 'SimpleRNN', { units: 3, stateful: true, go_backwards: true }, [3, 2], { calls: 2 }),
    await recurrentCase('bidirectional_lstm_return_state', 'Bidirectional',
      { layer: { class_name: 'LSTM', config: { units: 2, recurrent_activation: 'sigmoid', return_sequences: true, return_state: true } }, merge_mode: 'concat' }, [4, 3], { outputs: 5 }),
    await recurrentCase('bidirectional_gru_return_state_sum', 'Bidirectional',
      { layer: { class_name: 'GRU', config: { units: 3, recurrent_activation: 'sigmoid', return_state: true, reset_after: false } }, merge_mode: 'sum' }, [4, 2], { outputs: 3 }),
    await recurrentCase('bidirectional_simple_rnn_return_state_masked', 'Bidirectional',
      { layer: { class_name: 'SimpleRNN', config: { units: 2, return_state: true } }, merge_mode: 'ave' }, [5, 2], { outputs: 3, masked: [[0, 4], [1, 0]] }),
  ];
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_recurrent_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
