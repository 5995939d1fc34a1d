// Writes tests/Graft.Tests/Fixtures/tfjs/attention_goldens.json: Keras's attention layers with
// attention_axes, several output axes and use_causal_mask (with and without padding masks), computed
// by TensorFlow.js 4.22 (cpu backend) ops as Keras 3's layers compose them. See that folder's README.
//   npm install @tensorflow/tfjs@4.22.0      (in a scratch folder outside the repository)
//   NODE_PATH=<scratch>/node_modules node tools/tfjs_attention_goldens.js > tests/Graft.Tests/Fixtures/tfjs/attention_goldens.json
//
// TensorFlow.js 4.22's public API has no MultiHeadAttention, Attention or AdditiveAttention layer
// (its package carries an unexported, unbundled MultiHeadAttention port), so each case is Keras's
// computation written out with tf.einsum and tf ops, following
// keras/src/layers/attention/multi_head_attention.py (the einsum equations of
// _build_proj_equation and _build_attention_equation, _compute_attention_mask, _compute_causal_mask,
// _masked_softmax with layers.Softmax over several axes) and keras/src/layers/attention/attention.py
// (_calculate_scores, _calculate_score_mask, _apply_scores). The equations are rebuilt here from
// their description: the letters differ from Keras's, the contractions are the same.
const tf = require('@tensorflow/tfjs');

// A fixed, reproducible pattern with distinct values, scaled so softmax stays away from saturation.
function pattern(shape, phase, scale = 1) {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.round(1e4 * scale * (Math.sin(1.7 * i + phase) * 1.5 + 0.01 * i)) / 1e4);
}

const letters = 'abcdefghijklmnopqrstuvwxyz';

// x (N, free…, bound) · kernel (bound…, out…): free axes kept, bound axes contracted.
function projectionEquation(freeDims, boundDims, outputDims) {
  const free = letters.slice(0, freeDims);
  const bound = letters.slice(freeDims, freeDims + boundDims);
  const out = letters.slice(freeDims + boundDims, freeDims + boundDims + outputDims);
  return `${free}${bound},${bound}${out}->${free}${out}`;
}

// Projected tensors are (N, d1…dn, heads, dim) of rank r. The scores keep the batch axes (every axis
// but the attention axes and the last, heads included), then the query's attention axes, then the key's.
function attentionEquations(rank, axes) {
  const target = letters.slice(0, rank);
  let next = rank;
  const source = Array.from(target, (c, i) => (axes.includes(i) ? letters[next++] : c)).join('');
  const batch = Array.from({ length: rank - 1 }, (_, i) => i).filter(i => !axes.includes(i));
  const product = batch.map(i => target[i]).join('') + axes.map(i => target[i]).join('') + axes.map(i => source[i]).join('');
  return { dot: `${source},${target}->${product}`, combine: `${product},${source}->${target}`, scoresRank: product.length };
}

function maskTensor(values, shape) { return tf.tensor(values, shape).greater(0.5); }

// Keras's MultiHeadAttention.call with no dropout. inputs: [{shape, values, mask?}] for query, value(, key).
function multiHead(inputs, weights, { numHeads, keyDim, valueDim, attentionAxes, outputShape, useBias, causal }) {
  const [q, v, k = v] = inputs.map(i => tf.tensor(i.values, i.shape));
  const [qIn, vIn, kIn = vIn] = inputs;
  const rank = q.rank + 1;   // projected rank
  const axes = attentionAxes === null ? Array.from({ length: rank - 3 }, (_, i) => i + 1) : attentionAxes.map(a => (a >= 0 ? a : rank - 1 + a));
  let w = 0;
  const take = () => tf.tensor(weights[w].values, weights[w++].shape);
  function project(x, dim) {
    const kernel = take();
    let y = tf.einsum(projectionEquation(x.rank - 1, 1, 2), x, kernel);
    if (useBias) y = tf.add(y, take());
    return y;
  }
  const qp = tf.mul(project(q, keyDim), 1 / Math.sqrt(keyDim));
  const kp = project(k, keyDim);
  const vp = project(v, valueDim);
  // _compute_attention_mask: query (…, T, 1), value and key (…, 1, S), causal (1, T, S), joined by and.
  let mask = null;
  const join = m => { mask = mask === null ? m : tf.logicalAnd(mask, m); };
  if (qIn.mask) join(maskTensor(qIn.mask, qIn.shape.slice(0, -1)).expandDims(-1));
  if (vIn.mask) join(maskTensor(vIn.mask, vIn.shape.slice(0, -1)).expandDims(-2));
  if (kIn !== vIn && kIn.mask) join(maskTensor(kIn.mask, kIn.shape.slice(0, -1)).expandDims(-2));
  if (causal) join(tf.linalg.bandPart(tf.ones([1, q.shape[1], v.shape[1]]), -1, 0).greater(0.5));
  const eq = attentionEquations(rank, axes);
  let scores = tf.einsum(eq.dot, kp, qp);
  const normAxes = Array.from({ length: axes.length }, (_, i) => eq.scoresRank - axes.length + i);
  if (mask !== null) {
    // _masked_softmax: expand before the heads axis until the ranks agree.
    while (mask.rank < scores.rank) mask = mask.expandDims(mask.rank - 2 * axes.length);
    mask = tf.logicalAnd(mask, tf.ones(scores.shape).greater(0.5));
    scores = tf.where(mask, scores, tf.fill(scores.shape, -1e9));
  }
  // layers.Softmax over several axes: exp(x − logsumexp(x, axes)).
  let probs = tf.exp(tf.sub(scores, tf.logSumExp(scores, normAxes, true)));
  if (mask !== null) probs = tf.where(mask, probs, tf.zerosLike(probs));
  const attended = tf.einsum(eq.combine, probs, vp);
  const outDims = outputShape === null ? 1 : outputShape.length;
  let y = tf.einsum(projectionEquation(q.rank - 1, 2, outDims), attended, take());
  if (useBias) y = tf.add(y, take());
  return y;
}

// Keras's Attention / AdditiveAttention call: scores, the value mask and causal mask joined, scores −
// 1e9 where masked, softmax over the value steps, weights · value, masked query steps zeroed.
function denseAttention(inputs, weights, { kind, useScale, causal }) {
  const [q, v, k = v] = inputs.map(i => tf.tensor(i.values, i.shape));
  const [qIn, vIn] = inputs;
  let scores;
  if (kind === 'dot') {
    scores = tf.matMul(q, k, false, true);
    if (useScale) scores = tf.mul(scores, tf.tensor(weights[0].values, weights[0].shape));
  } else {
    const features = tf.tanh(tf.add(q.expandDims(2), k.expandDims(1)));
    scores = tf.sum(useScale ? tf.mul(features, tf.tensor(weights[0].values, weights[0].shape)) : features, -1);
  }
  let keep = vIn.mask ? maskTensor(vIn.mask, vIn.shape.slice(0, -1)).expandDims(-2) : null;
  if (causal) {
    const c = tf.linalg.bandPart(tf.ones([1, scores.shape[1], scores.shape[2]]), -1, 0).greater(0.5);
    keep = keep === null ? c : tf.logicalAnd(keep, c);
  }
  if (keep !== null) scores = tf.where(tf.logicalNot(tf.logicalAnd(keep, tf.ones(scores.shape).greater(0.5))), tf.sub(scores, 1e9), scores);
  let y = tf.matMul(tf.softmax(scores, -1), v);
  if (qIn.mask) y = tf.where(maskTensor(qIn.mask, qIn.shape.slice(0, -1)).expandDims(-1).logicalAnd(tf.ones(y.shape).greater(0.5)), y, tf.zerosLike(y));
  return y;
}

function inputsFor(shapes, masks = []) {
  return shapes.map((s, k) => ({ shape: s, values: pattern(s, 0.3 + k), ...(masks[k] ? { mask: masks[k] } : {}) }));
}

function mhaCase(name, options, shapes, masks = []) {
  const { numHeads, keyDim, valueDim = keyDim, attentionAxes = null, outputShape = null, useBias = true, causal = false } = options;
  const inputs = inputsFor(shapes, masks);
  const [qs, vs, ks = vs] = shapes;
  const out = outputShape === null ? [qs[qs.length - 1]] : outputShape;
  const weightShapes = [
    [qs[qs.length - 1], numHeads, keyDim], [numHeads, keyDim],
    [ks[ks.length - 1], numHeads, keyDim], [numHeads, keyDim],
    [vs[vs.length - 1], numHeads, valueDim], [numHeads, valueDim],
    [numHeads, valueDim, ...out], out,
  ].filter((_, i) => useBias || i % 2 === 0);
  const weights = weightShapes.map((s, k) => ({ shape: s, values: pattern(s, 2.1 + k, 0.3) }));
  const y = multiHead(inputs, weights, { numHeads, keyDim, valueDim, attentionAxes, outputShape, useBias, causal });
  const config = { num_heads: numHeads, key_dim: keyDim, value_dim: valueDim, dropout: 0.0, use_bias: useBias, output_shape: outputShape, attention_axes: attentionAxes };
  return { name, oracle: 'tfjs-einsum-ops-as-keras-multi-head-attention', class_name: 'MultiHeadAttention', config, call: { use_causal_mask: causal },
    inputs, weights, output_shape: y.shape, output: Array.from(y.dataSync()) };
}

function denseCase(name, className, options, shapes, masks = []) {
  const inputs = inputsFor(shapes, masks);
  const d = shapes[0][shapes[0].length - 1];
  const weights = !options.useScale ? [] : className === 'Attention' ? [{ shape: [], values: [0.7] }] : [{ shape: [d], values: pattern([d], 2.1, 0.5) }];
  const y = denseAttention(inputs, weights, { kind: className === 'Attention' ? 'dot' : 'additive', ...options });
  const config = className === 'Attention' ? { use_scale: options.useScale, score_mode: 'dot', dropout: 0.0 } : { use_scale: options.useScale, dropout: 0.0 };
  return { name, oracle: `tfjs-ops-as-keras-${className === 'Attention' ? 'attention' : 'additive-attention'}`, class_name: className, config, call: { use_causal_mask: options.causal },
    inputs, weights, output_shape: y.shape, output: Array.from(y.dataSync()) };
}

(async () => {
  await tf.setBackend('cpu');
  const cases = [
    // 2-D attention: every pixel of a (3, 4) grid attends to every pixel.
    mhaCase('mha_2d_attention_image', { numHeads: 2, keyDim: 3, valueDim: 2, attentionAxes: [1, 2] }, [[2, 3, 4, 5], [2, 3, 4, 5]]),
    // Attention along axis 2 only (axis 1 a batch axis), query and value of different lengths there, negative axis.
    mhaCase('mha_axis_2_of_4d', { numHeads: 2, keyDim: 2, attentionAxes: [-2] }, [[2, 3, 4, 5], [2, 3, 6, 5]]),
    // 3-D attention over (2, 3, 2) with a key of its own features and an output of two axes.
    mhaCase('mha_3d_attention_output_axes', { numHeads: 2, keyDim: 2, valueDim: 3, attentionAxes: [1, 2, 3], outputShape: [2, 3] }, [[2, 2, 3, 2, 4], [2, 2, 3, 2, 3], [2, 2, 3, 2, 5]]),
    mhaCase('mha_output_axes_no_bias', { numHeads: 3, keyDim: 2, outputShape: [2, 2], useBias: false }, [[2, 3, 4], [2, 5, 4]]),
    mhaCase('mha_causal', { numHeads: 2, keyDim: 3, causal: true }, [[2, 4, 6], [2, 4, 6]]),
    mhaCase('mha_causal_longer_value', { numHeads: 2, keyDim: 2, causal: true }, [[2, 3, 4], [2, 5, 4]]),
    // Causal with padding: the query's and value's masks (1 keep, 0 padding) joined with the causal mask.
    mhaCase('mha_causal_with_padding', { numHeads: 2, keyDim: 3, causal: true }, [[2, 5, 4], [2, 5, 4]], [[1, 1, 1, 1, 0, 1, 1, 1, 0, 0], [1, 1, 1, 1, 0, 1, 1, 1, 0, 0]]),
    mhaCase('mha_padding_not_causal', { numHeads: 2, keyDim: 3 }, [[2, 5, 4], [2, 5, 4]], [[1, 1, 1, 1, 0, 1, 1, 1, 0, 0], [1, 1, 1, 1, 0, 1, 1, 1, 0, 0]]),
    denseCase('attention_causal', 'Attention', { useScale: true, causal: true }, [[2, 4, 3], [2, 4, 3]]),
    denseCase('attention_causal_with_padding', 'Attention', { useScale: false, causal: true }, [[2, 4, 3], [2, 5, 3]], [[1, 1, 1, 0, 1, 1, 0, 0], [1, 1, 1, 0, 0, 1, 1, 1, 1, 0]]),
    denseCase('additive_attention_causal', 'AdditiveAttention', { useScale: true, causal: true }, [[2, 4, 3], [2, 4, 3]]),
    denseCase('additive_attention_causal_with_padding', 'AdditiveAttention', { useScale: true, causal: true }, [[2, 4, 3], [2, 4, 3]], [[1, 1, 1, 0, 1, 1, 1, 1], [1, 1, 0, 0, 1, 1, 1, 0]]),
  ];
  process.stdout.write(JSON.stringify({ generator: 'tools/tfjs_attention_goldens.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 1) + '\n');
})();
