// Writes image_goldens.json: outputs of TensorFlow.js's image ops for the deterministic parts of
// Graft's image layers. Run from a folder where `npm install @tensorflow/tfjs@4.22.0` was done:
//   NODE_PATH=<that folder>/node_modules node make_image_goldens.js > image_goldens.json
// The transform matrices are Keras 3's (base_image_preprocessing_layer._compute_affine_matrix,
// random_zoom._get_zoom_matrix, random_translation._get_translation_matrix) for fixed parameters.
const tf = require('@tensorflow/tfjs');

const [N, H, W, C] = [2, 5, 7, 2];
const input = Array.from({ length: N * H * W * C }, (_, i) => ((i * 37) % 101) / 100);
const x = tf.tensor4d(input, [N, H, W, C]);
const cases = [];
const add = (name, op, params, y) => cases.push({ name, op, ...params, output_shape: y.shape, output: Array.from(y.dataSync(), v => Number(v.toPrecision(8))) });

// Resizing: tf.image.resize with half-pixel centers, as Keras 3's TensorFlow backend calls it.
for (const [h, w] of [[3, 4], [8, 10], [3, 11], [5, 7]]) {
  add(`resize_bilinear_${h}x${w}`, 'resize', { interpolation: 'bilinear', height: h, width: w }, tf.image.resizeBilinear(x, [h, w], false, true));
  add(`resize_nearest_${h}x${w}`, 'resize', { interpolation: 'nearest', height: h, width: w }, tf.image.resizeNearestNeighbor(x, [h, w], false, true));
}

// Resizing(4, 4, crop_to_aspect_ratio=True) on 5x7: the centered 5x5 window from column 1.
add('resizing_crop_to_aspect_4x4', 'resizing_crop', { height: 4, width: 4 },
  tf.image.resizeBilinear(tf.slice(x, [0, 0, 1, 0], [N, 5, 5, C]), [4, 4], false, true));
// Resizing(4, 8, pad_to_aspect_ratio=True, fill_value=0.25) on 5x7: one column of 0.25 each side, then 5x9 -> 4x8.
add('resizing_pad_to_aspect_4x8', 'resizing_pad', { height: 4, width: 8, fill_value: 0.25 },
  tf.image.resizeBilinear(tf.pad(x, [[0, 0], [0, 0], [1, 1], [0, 0]], 0.25), [4, 8], false, true));
// CenterCrop(6, 4) on 5x7 (smaller than the window): smart_resize crops the centered 5x3 window
// from column 2 (the 6:4 aspect ratio), then resizes it bilinearly to 6x4.
add('center_crop_smart_resize_6x4', 'center_crop', { height: 6, width: 4 },
  tf.image.resizeBilinear(tf.slice(x, [0, 0, 2, 0], [N, 5, 3, C]), [6, 4], false, true));
// CenterCrop(3, 4) on 5x7: rows 1..3, columns 1..4.
add('center_crop_3x4', 'center_crop', { height: 3, width: 4 }, tf.slice(x, [0, 1, 1, 0], [N, 3, 4, C]));

// Flips.
add('flip_horizontal', 'flip', { mode: 'horizontal' }, tf.image.flipLeftRight(x));
add('flip_vertical', 'flip', { mode: 'vertical' }, tf.reverse(x, 1));
add('flip_horizontal_and_vertical', 'flip', { mode: 'horizontal_and_vertical' }, tf.reverse(x, [1, 2]));

// Keras's rotation about ((W-1)/2, (H-1)/2), in float32 as Keras computes it.
function rotation(degrees) {
  const f = Math.fround, a = f(f(degrees) * f(Math.PI / 180));
  const cos = f(Math.cos(a)), sin = f(Math.sin(a)), cx = f(0.5 * (W - 1)), cy = f(0.5 * (H - 1));
  return [cos, -sin, f(cx - f(cx * cos) + f(cy * sin)), sin, cos, f(cy - f(cx * sin) - f(cy * cos)), 0, 0];
}
const zoom = (zx, zy) => [zx, 0, ((W - 1) / 2) * (1 - zx), 0, zy, ((H - 1) / 2) * (1 - zy), 0, 0].map(Math.fround);
const translation = (dx, dy) => [1, 0, -dx, 0, 1, -dy, 0, 0].map(Math.fround);

// The layers' parameters for degenerate ranges (low = high), so the tests can call the layers:
// RandomRotation((1/12, 1/12)) and ((-0.125, -0.125)) (not 90 degrees: its border pixels land exactly on
// the image's edge, where float32 (TensorFlow) and float64 (tfjs) coordinates wrap differently); RandomZoom(height (-0.3, -0.3), width (0.3, 0.3));
// RandomTranslation(height (0.2, 0.2), width (-0.25, -0.25)).
const f = Math.fround;
const transforms = [
  ['rotate_30', rotation(f(f(1 / 12) * 360))],
  ['rotate_m45', rotation(f(f(-0.125) * 360))],
  ['zoom', zoom(f(1 + f(0.3)), f(1 + f(-0.3)))],
  ['translate', translation(f(f(-0.25) * W), f(f(0.2) * H))],
];
for (const [name, t] of transforms)
  for (const fill of ['reflect', 'wrap', 'constant', 'nearest'])
    for (const interpolation of ['bilinear', 'nearest'])
      add(`${name}_${fill}_${interpolation}`, 'transform', { transform: t, fill_mode: fill, interpolation, fill_value: 0.25 },
        // One image at a time: the cpu kernel of tfjs 4.22 returns after the first image of a batch.
        tf.concat([0, 1].map(b => tf.image.transform(tf.slice(x, [b, 0, 0, 0], [1, H, W, C]), tf.tensor2d([t], [1, 8]), interpolation, fill, 0.25)), 0));

process.stdout.write(JSON.stringify({
  source: `TensorFlow.js ${tf.version.tfjs}, cpu backend (tf.image.resizeBilinear/resizeNearestNeighbor with half-pixel centers, tf.image.transform, flipLeftRight, reverse, slice, pad)`,
  input_shape: [N, H, W, C], input, cases,
}));
