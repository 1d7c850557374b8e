/**
 * ONNX (PyTorch, NCHW) weight layouts -> TF.js (NHWC) ones, done once at load so that the converted
 * model computes exactly what PyTorch computes.
 */

/** A weight array for layer.setWeights, in TF.js layout. */
export interface WeightArray {
  shape: number[];
  data: Float32Array;
}

/**
 * Conv weight [M, C / groups, kh, kw] -> Conv2D kernel [kh, kw, C, M]. A grouped convolution
 * becomes a full one whose kernel is zero between groups: the same outputs (TF.js's Conv2D has no
 * groups), at `groups` times the arithmetic.
 */
export function convKernel(w: Float32Array, [m, perGroup, kh, kw]: number[], groups = 1): WeightArray {
  const c = perGroup * groups;
  const outPerGroup = m / groups;
  const out = new Float32Array(kh * kw * c * m);
  for (let o = 0; o < m; o++) {
    const first = Math.floor(o / outPerGroup) * perGroup; // the group's first input channel
    for (let i = 0; i < perGroup; i++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * c + first + i) * m + o] = w[((o * perGroup + i) * kh + y) * kw + x];
  }
  return { shape: [kh, kw, c, m], data: out };
}

/**
 * Depthwise Conv weight [C * mult, 1, kh, kw] -> DepthwiseConv2D kernel [kh, kw, C, mult]. Both
 * number output channel c * mult + j, so the outputs keep PyTorch's channel order.
 */
export function depthwiseKernel(w: Float32Array, [cm, , kh, kw]: number[], channels: number): WeightArray {
  const mult = cm / channels;
  const out = new Float32Array(w.length);
  for (let c = 0; c < channels; c++)
    for (let j = 0; j < mult; j++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * channels + c) * mult + j] = w[((c * mult + j) * kh + y) * kw + x];
  return { shape: [kh, kw, channels, mult], data: out };
}

/**
 * Gemm/MatMul weight -> Dense kernel [in, out], scaled by alpha. `transposed`: stored [out, in]
 * (torch.nn.Linear, transB = 1). `chw`: the input is a flattened [C, H, W] map, which PyTorch
 * flattens channel-first and TF.js (NHWC) position-first, so the kernel rows are reordered.
 */
export function denseKernel(b: Float32Array, dims: number[], transposed: boolean, alpha: number, chw?: readonly number[]): WeightArray {
  const [inputs, units] = transposed ? [dims[1], dims[0]] : [dims[0], dims[1]];
  const [c, h, w] = chw ?? [inputs, 1, 1];
  const out = new Float32Array(inputs * units);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) {
        const row = (y * w + x) * c + k; // TF.js's flat index
        const source = (k * h + y) * w + x; // PyTorch's
        for (let o = 0; o < units; o++) out[row * units + o] = alpha * (transposed ? b[o * inputs + source] : b[source * units + o]);
      }
  return { shape: [inputs, units], data: out };
}
