/**
 * Gradient kernels for @tensorflow/tfjs-backend-wasm 4.22, so that training and input gradients of
 * conv nets run on wasm at XNNPACK speed. Three kernels are missing there (Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput, DepthwiseConv2dNativeBackpropFilter); two exist but are replaced:
 * Conv2DBackpropInput is a scalar loop 4-12x slower than the convolution below, and MaxPoolGrad sends
 * the gradient of any window whose maximum is <= 0 to the wrong place.
 *
 * Every convolution gradient is itself a convolution:
 * - input gradient of conv2d: correlate the stride-spread output gradient with the filter flipped in
 *   space and transposed in channels (for strides > 1, one stride-1 correlation per stride phase);
 * - filter gradient of conv2d: convolve the input with the output gradient, batch and channel axes
 *   swapped, dilation = forward stride, stride = forward dilation (1x1: a matrix product);
 * - input gradient of a depthwise conv: the same as conv2d's, depthwise, then sum each input channel's
 *   multiplier group;
 * - filter gradient of a depthwise conv: a depthwise conv whose channels are (batch, channel) pairs,
 *   summed over the batch afterwards;
 * - max-pool gradient: route each output gradient to the first maximum of its window.
 * The kernels run tfjs ops inside the kernel: the engine does not record them on the gradient tape
 * (its kernel depth is > 0), and tf.tidy frees the intermediates.
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, pair, type Explicit, type Pair, type PadAttr, type RoundingMode, type WasmBackendLike } from './kernel-attrs';
import { registerRelu6Gradient } from './relu6-gradient';
import { crossProductFor, im2colFor } from './simd/simd-kernels';
import { leadingAxesSum, maxPoolGradKernel, scalarLessEqual, sharingIdentity, transposingBatchMatMul } from './wasm-heap-kernels';

type Shape4 = [number, number, number, number];

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}

/** One spatial axis of a forward convolution: what a gradient needs to know about it. */
interface AxisInfo {
  inSize: number;
  outSize: number;
  filterSize: number;
  stride: number;
  dilation: number;
  padBefore: number;
}

function asShape4(shape: readonly number[], what: string): Shape4 {
  if (shape.length !== 4) throw new Error(`${what} must have rank 4, got shape [${shape.join(', ')}].`);
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** Kernel inputs are Tensors when called through the engine; wrap a bare TensorInfo otherwise. */
function asTensor(info: tf.TensorInfo | undefined, name: string): tf.Tensor {
  if (info === undefined) throw new Error(`Missing kernel input '${name}'.`);
  if (info instanceof tf.Tensor) return info;
  return tf.engine().makeTensorFromTensorInfo(info);
}

function axes(info: tf.backend_util.Conv2DInfo): [AxisInfo, AxisInfo] {
  return [
    {
      inSize: info.inHeight,
      outSize: info.outHeight,
      filterSize: info.filterHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    {
      inSize: info.inWidth,
      outSize: info.outWidth,
      filterSize: info.filterWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
  ];
}

/**
 * Pads (positive) or crops (negative) axes 1 and 2 of an NHWC tensor. Returns the tensor and the
 * remaining non-negative padding, which the convolution applies itself (no copy).
 */
function cropNegative(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): [tf.Tensor4D, Explicit] {
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  let out = t;
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    const [n, h, w, c] = t.shape;
    out = tf.slice(t, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  }
  const pad: Explicit = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return [out, pad];
}

/** Inserts stride-1 zeros after every row and column: [n, h, w, c] -> [n, h*sh, w*sw, c]. */
function dilateSpatial(t: tf.Tensor4D, strideH: number, strideW: number): tf.Tensor4D {
  if (strideH === 1 && strideW === 1) return t;
  const [n, h, w, c] = t.shape;
  const expanded = tf.reshape(t, [n, h, 1, w, 1, c]);
  const padded = tf.pad(expanded, [[0, 0], [0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]]);
  return tf.reshape(padded, [n, h * strideH, w * strideW, c]);
}

type ConvKernel = 'Conv2D' | 'DepthwiseConv2dNative';

/** Runs a registered kernel directly: the op wrappers refuse stride > 1 together with dilation > 1. */
function runConvKernel(name: ConvKernel, x: tf.Tensor4D, filter: tf.Tensor4D, strides: Pair, dilations: Pair, pad: Explicit): tf.Tensor4D {
  const attrs: tf.NamedAttrMap = { strides, dilations, pad, dataFormat: 'NHWC' };
  const out = tf.engine().runKernel(name, { x, filter }, attrs);
  if (Array.isArray(out)) throw new Error(`${name} returned several tensors.`);
  return out as tf.Tensor4D;
}

/** The geometry of the convolution a gradient kernel belongs to, from the kernel's attrs. */
function convInfo(inShape: [number, number, number, number], filterShape: [number, number, number, number], attrs: NonNullable<KernelArgs['attrs']>, depthwise = false): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    pair(attrs.strides, 1),
    pair(attrs.dilations, 1),
    attrs.pad as PadAttr,
    attrs.dimRoundingMode as RoundingMode,
    depthwise,
  );
}

/** Above this many values (64 MB) the patch matrix gives way to the convolution form, which copies nothing. */
const MAX_PATCH_VALUES = 1 << 24;

/**
 * Filter gradients this small (taps x in-channels x out-channels) run in the SIMD cross product:
 * XNNPACK first packs the whole output gradient as weights (~8 ns a value: 16 ms of the 3-channel
 * first layer's 131072 x 16), more than the product itself; larger ones are a wash (measured).
 */
const CROSS_PRODUCT_MAX_OUTPUTS = 1024;

/**
 * Filter gradient as one matrix product, P' dy: row (tap, input channel) of P' holds the input value
 * that tap met at every output pixel, built by the SIMD im2col kernel from the padded, channels-first
 * input. XNNPACK runs this GEMM (K = output pixels, contiguous) about twice as fast as the
 * convolution form, whose indirection walks K in runs of `batch` values. Undefined when the kernel
 * is unavailable (not wasm) or the patch matrix would be too large.
 */
function patchFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, rows: AxisInfo, cols: AxisInfo, bottom: number, right: number, filterShape: Shape4): tf.Tensor | undefined {
  const [batch, , , channels] = x.shape;
  const pixels = batch * rows.outSize * cols.outSize;
  const taps = rows.filterSize * cols.filterSize;
  const sameSteps = rows.stride === cols.stride && rows.dilation === cols.dilation;
  if (!sameSteps || taps * channels * pixels > MAX_PATCH_VALUES) return undefined;
  const backend = tf.backend() as unknown as WasmBackendLike;
  const im2col = tf.getBackend() === 'wasm' ? im2colFor(backend) : undefined;
  if (!im2col) return undefined;
  const [xIn, pad] = cropNegative(x, rows.padBefore, bottom, cols.padBefore, right);
  const padded = tf.transpose(tf.pad(xIn, pad), [3, 0, 1, 2]);
  const [, , paddedHeight, paddedWidth] = padded.shape;
  const outChannels = dy.shape[3];
  const patchRows = taps * channels;
  const cross = outChannels % 8 === 0 && patchRows * outChannels <= CROSS_PRODUCT_MAX_OUTPUTS ? crossProductFor(backend) : undefined;
  // The SIMD product takes its rows in fours: a zero row or three below the patches.
  const rowsOut = cross ? Math.ceil(patchRows / 4) * 4 : patchRows;
  const out = backend.makeOutput([rowsOut, pixels], 'float32');
  im2col(heapOffset(backend, padded), heapOffset(backend, out), channels, batch, paddedHeight, paddedWidth, rows.outSize, cols.outSize, rows.filterSize, cols.filterSize, rows.stride, rows.dilation);
  const patchesT = tf.engine().makeTensorFromTensorInfo(out);
  if (!cross) return tf.reshape(tf.matMul(patchesT, tf.reshape(dy, [pixels, outChannels])), filterShape);
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0, patchRows * pixels);
  const product = backend.makeOutput([rowsOut, outChannels], 'float32');
  (backend.typedArrayFromHeap(product) as Float32Array).fill(0);
  cross(heapOffset(backend, out), rowsOut, pixels, heapOffset(backend, dy), outChannels, heapOffset(backend, product));
  const grad = tf.engine().makeTensorFromTensorInfo(product);
  return tf.reshape(rowsOut === patchRows ? grad : tf.slice(grad, [0, 0], [patchRows, outChannels]), filterShape);
}

function conv2DBackpropFilter({ inputs, attrs = {} }: KernelArgs): tf.Tensor {
  return tf.tidy(() => {
    const nchw = attrs.dataFormat === 'NCHW';
    let x = asTensor(inputs.x, 'x') as tf.Tensor4D;
    let dy = asTensor(inputs.dy, 'dy') as tf.Tensor4D;
    if (nchw) {
      x = tf.transpose(x, [0, 2, 3, 1]);
      dy = tf.transpose(dy, [0, 2, 3, 1]);
    }
    const filterShape = asShape4(attrs.filterShape as number[], 'filterShape');
    // tfjs's Conv2DBackpropFilter has no dilations attr (its gradient asserts dilation 1); accept one anyway.
    const info = convInfo(asShape4(x.shape, 'x'), filterShape, attrs);
    const [rows, cols] = axes(info);
    const pads = info.padInfo;
    if (rows.filterSize * cols.filterSize === 1 && rows.stride * cols.stride === 1 && pads.top + pads.bottom + pads.left + pads.right === 0) {
      // 1x1 (MobileNet's pointwise convs): x^T dy. wasm's matMul is only fast untransposed (measured
      // 7 ms against 120 ms with transposeA), so transpose x explicitly.
      const pixels = info.batchSize * info.inHeight * info.inWidth;
      const channelsByPixels = tf.transpose(tf.reshape(x, [pixels, info.inChannels]));
      return tf.reshape(tf.matMul(channelsByPixels, tf.reshape(dy, [pixels, info.outChannels])), filterShape);
    }
    // The input reaches exactly as far as the last output row needs; crop rows the forward pass never read.
    const bottom = (rows.filterSize - 1) * rows.dilation + (rows.outSize - 1) * rows.stride + 1 - rows.inSize - rows.padBefore;
    const right = (cols.filterSize - 1) * cols.dilation + (cols.outSize - 1) * cols.stride + 1 - cols.inSize - cols.padBefore;
    const patches = patchFilterGradient(x, dy, rows, cols, bottom, right, filterShape);
    if (patches) return patches;
    // Batch and channel swap: the channels become the batch, the batch becomes the reduced axis.
    const xT = tf.transpose(x, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const [xIn, pad] = cropNegative(xT, rows.padBefore, bottom, cols.padBefore, right);
    const grad = runConvKernel('Conv2D', xIn, dyT, [rows.dilation, cols.dilation], [rows.stride, cols.stride], pad);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
}

/**
 * How a caller's correlation is set up: `prepare` turns the spatially flipped (sub-)filter into the
 * filter the kernel expects; `finish` reduces the kernel's output channels to the input's channels.
 */
interface TransposedConvSpec {
  kernel: ConvKernel;
  prepare: (flipped: tf.Tensor4D) => tf.Tensor4D;
  finish: (out: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * The input gradient of a (depthwise) convolution: the full correlation of the output gradient,
 * spread out by the stride, with the spatially flipped filter, cut to the input's extent.
 * Returns [batch, inHeight, inWidth, channels].
 */
/** The filter rotated 180 degrees in space; a 1x1 filter is its own rotation (wasm's Reverse is a slow loop). */
function flipSpatially(filter: tf.Tensor4D): tf.Tensor4D {
  return filter.shape[0] * filter.shape[1] === 1 ? filter : tf.reverse(filter, [0, 1]);
}

function transposedConv(dy: tf.Tensor4D, filter: tf.Tensor4D, rows: AxisInfo, cols: AxisInfo, spec: TransposedConvSpec): tf.Tensor4D {
  if ((rows.stride > 1 || cols.stride > 1) && rows.dilation === 1 && cols.dilation === 1) {
    return polyphaseTransposedConv(dy, filter, rows, cols, spec);
  }
  const dilated = dilateSpatial(dy, rows.stride, cols.stride);
  const top = (rows.filterSize - 1) * rows.dilation - rows.padBefore;
  const left = (cols.filterSize - 1) * cols.dilation - cols.padBefore;
  const bottom = rows.inSize + (rows.filterSize - 1) * rows.dilation - top - dilated.shape[1];
  const right = cols.inSize + (cols.filterSize - 1) * cols.dilation - left - dilated.shape[2];
  const [dyIn, pad] = cropNegative(dilated, top, bottom, left, right);
  return spec.finish(runConvKernel(spec.kernel, dyIn, spec.prepare(flipSpatially(filter)), [1, 1], [rows.dilation, cols.dilation], pad));
}

/**
 * Strided case without multiplying by zeros: row t = u*stride + phase of the padded input only meets
 * filter taps phase, phase + stride, ...; so each (row phase, column phase) is a stride-1 correlation
 * of dy with that sub-filter, and the phases interleave into the result (stride^2 less work than
 * spreading dy out with zeros).
 */
function polyphaseTransposedConv(dy: tf.Tensor4D, filter: tf.Tensor4D, rows: AxisInfo, cols: AxisInfo, spec: TransposedConvSpec): tf.Tensor4D {
  const [batch] = dy.shape;
  const [fh, fw, a, b] = filter.shape;
  const blocksH = Math.ceil((rows.inSize + rows.padBefore) / rows.stride);
  const blocksW = Math.ceil((cols.inSize + cols.padBefore) / cols.stride);
  const phases: Array<Array<tf.Tensor4D | undefined>> = [];
  for (let ph = 0; ph < rows.stride; ph++) {
    const row: Array<tf.Tensor4D | undefined> = [];
    for (let pw = 0; pw < cols.stride; pw++) {
      const tapsH = Math.ceil((fh - ph) / rows.stride);
      const tapsW = Math.ceil((fw - pw) / cols.stride);
      // A phase past the filter's end (a 1x1 filter with stride 2) meets no tap: zeros, filled below.
      if (tapsH <= 0 || tapsW <= 0) {
        row.push(undefined);
        continue;
      }
      const sub = tf.stridedSlice(filter, [ph, pw, 0, 0], [fh, fw, a, b], [rows.stride, cols.stride, 1, 1]) as tf.Tensor4D;
      const [dyIn, pad] = cropNegative(dy, tapsH - 1, blocksH - rows.outSize, tapsW - 1, blocksW - cols.outSize);
      row.push(spec.finish(runConvKernel(spec.kernel, dyIn, spec.prepare(flipSpatially(sub)), [1, 1], [1, 1], pad)));
    }
    phases.push(row);
  }
  const channels = phases[0][0]?.shape[3];
  if (channels === undefined) throw new Error('Internal error: the first stride phase has no filter tap.');
  // Interleave with stacks on inner axes: wasm's 6-D transposes are far slower than its concats.
  const rowPhases = phases.map((row): tf.Tensor4D => {
    const filled = row.map((t) => t ?? tf.zeros<tf.Rank.R4>([batch, blocksH, blocksW, channels]));
    return filled.length === 1 ? filled[0] : tf.reshape(tf.stack(filled, 3), [batch, blocksH, blocksW * cols.stride, channels]);
  });
  const interleaved: tf.Tensor4D = rowPhases.length === 1 ? rowPhases[0] : tf.reshape(tf.stack(rowPhases, 2), [batch, blocksH * rows.stride, blocksW * cols.stride, channels]);
  if (rows.padBefore === 0 && cols.padBefore === 0 && blocksH * rows.stride === rows.inSize && blocksW * cols.stride === cols.inSize) return interleaved;
  return tf.slice(interleaved, [0, rows.padBefore, cols.padBefore, 0], [batch, rows.inSize, cols.inSize, channels]) as tf.Tensor4D;
}

function depthwiseConv2dNativeBackpropInput({ inputs, attrs = {} }: KernelArgs): tf.Tensor {
  return tf.tidy(() => {
    const dy = asTensor(inputs.dy, 'dy') as tf.Tensor4D;
    const filter = asTensor(inputs.filter, 'filter') as tf.Tensor4D;
    const inShape = asShape4(attrs.inputShape as number[], 'inputShape');
    const info = convInfo(inShape, asShape4(filter.shape, 'filter'), attrs, true);
    const [rows, cols] = axes(info);
    const channels = inShape[3];
    const multiplier = filter.shape[3];
    return transposedConv(dy, filter, rows, cols, {
      kernel: 'DepthwiseConv2dNative',
      prepare: (flipped) => tf.reshape(flipped, [flipped.shape[0], flipped.shape[1], channels * multiplier, 1]),
      // Output channel c*multiplier + m came from input channel c: sum each group.
      finish: (out) => (multiplier === 1 ? out : tf.sum(tf.reshape(out, [out.shape[0], out.shape[1], out.shape[2], channels, multiplier]), 4)),
    });
  });
}

function depthwiseConv2dNativeBackpropFilter({ inputs, attrs = {} }: KernelArgs): tf.Tensor {
  return tf.tidy(() => {
    const x = asTensor(inputs.x, 'x') as tf.Tensor4D;
    const dy = asTensor(inputs.dy, 'dy') as tf.Tensor4D;
    const filterShape = asShape4(attrs.filterShape as number[], 'filterShape');
    const info = convInfo(asShape4(x.shape, 'x'), filterShape, attrs, true);
    const [rows, cols] = axes(info);
    const [batch, height, width, channels] = x.shape;
    const multiplier = filterShape[3];
    const bottom = (rows.filterSize - 1) * rows.dilation + (rows.outSize - 1) * rows.stride + 1 - rows.inSize - rows.padBefore;
    const right = (cols.filterSize - 1) * cols.dilation + (cols.outSize - 1) * cols.stride + 1 - cols.inSize - cols.padBefore;
    // One image whose channels are (batch, channel) pairs; the output gradient is its filter.
    const xT = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, height, width, batch * channels]) as tf.Tensor4D;
    const dy5 = tf.reshape(dy, [batch, rows.outSize, cols.outSize, channels, multiplier]);
    const dyT = tf.reshape(tf.transpose(dy5, [1, 2, 0, 3, 4]), [rows.outSize, cols.outSize, batch * channels, multiplier]) as tf.Tensor4D;
    const [xIn, pad] = cropNegative(xT, rows.padBefore, bottom, cols.padBefore, right);
    const perImage = runConvKernel('DepthwiseConv2dNative', xIn, dyT, [rows.dilation, cols.dilation], [rows.stride, cols.stride], pad);
    return tf.sum(tf.reshape(perImage, [rows.filterSize, cols.filterSize, batch, channels, multiplier]), 2);
  });
}

/**
 * Replaces wasm's own Conv2DBackpropInput (a scalar C++ loop, about 10x slower than its forward conv):
 * the input gradient is the full correlation of the stride-dilated output gradient with the filter
 * flipped in space and transposed in channels, run on XNNPACK.
 */
function conv2DBackpropInput({ inputs, attrs = {} }: KernelArgs): tf.Tensor {
  return tf.tidy(() => {
    const nchw = attrs.dataFormat === 'NCHW';
    let dy = asTensor(inputs.dy, 'dy') as tf.Tensor4D;
    const filter = asTensor(inputs.filter, 'filter') as tf.Tensor4D;
    let inShape = asShape4(attrs.inputShape as number[], 'inputShape');
    if (nchw) {
      dy = tf.transpose(dy, [0, 2, 3, 1]);
      inShape = [inShape[0], inShape[2], inShape[3], inShape[1]];
    }
    const info = convInfo(inShape, asShape4(filter.shape, 'filter'), attrs);
    const [rows, cols] = axes(info);
    const pads = info.padInfo;
    if (rows.filterSize * cols.filterSize === 1 && rows.stride * cols.stride === 1 && pads.top + pads.bottom + pads.left + pads.right === 0) {
      // 1x1 (MobileNet's pointwise convs): dy W', one matrix product.
      const pixels = info.batchSize * info.inHeight * info.inWidth;
      const product = tf.matMul(tf.reshape(dy, [pixels, info.outChannels]), tf.reshape(filter, [info.inChannels, info.outChannels]), false, true);
      const dx = tf.reshape(product, inShape);
      return nchw ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
    }
    const dx = transposedConv(dy, filter, rows, cols, {
      kernel: 'Conv2D',
      prepare: (flipped) => tf.transpose(flipped, [0, 1, 3, 2]),
      finish: (out) => out,
    });
    return nchw ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

type OurKernel = (args: KernelArgs) => tf.Tensor;

/** Kernels wasm 4.22 lacks: registered only when absent. */
const MISSING: ReadonlyArray<{ kernelName: string; kernelFunc: OurKernel }> = [
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: depthwiseConv2dNativeBackpropInput },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: depthwiseConv2dNativeBackpropFilter },
];

// The engine accepts a Tensor as a kernel's output (it is what tfjs-node's kernels return).
const asKernelFunc = (kernelFunc: OurKernel): tf.KernelFunc => kernelFunc as unknown as tf.KernelFunc;

/** Kernels wasm has but runs slowly (Conv2DBackpropInput) or gets wrong (MaxPoolGrad): replaced. */
const REPLACED: ReadonlyArray<{ kernelName: string; kernelFunc: tf.KernelFunc }> = [
  { kernelName: 'Conv2DBackpropInput', kernelFunc: asKernelFunc(conv2DBackpropInput) },
  { kernelName: 'MaxPoolGrad', kernelFunc: maxPoolGradKernel as unknown as tf.KernelFunc },
];

/** Kernels wrapped around wasm's own: transposed matrix products take its fast path; x <= scalar runs in one pass; Identity shares data. */
const WRAPPED: ReadonlyArray<{ kernelName: string; wrap: (original: tf.KernelFunc) => tf.KernelFunc }> = [
  { kernelName: 'BatchMatMul', wrap: transposingBatchMatMul },
  { kernelName: '_FusedMatMul', wrap: transposingBatchMatMul },
  { kernelName: 'LessEqual', wrap: scalarLessEqual },
  { kernelName: 'Identity', wrap: sharingIdentity },
  { kernelName: 'Sum', wrap: leadingAxesSum },
];

const OURS = new Set<tf.KernelFunc>([...MISSING.map(({ kernelFunc }) => asKernelFunc(kernelFunc)), ...REPLACED.map(({ kernelFunc }) => kernelFunc)]);

/** `setupFunc` binds a wrapped kernel's wasm export when the backend starts: it must carry over. */
function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc, setupFunc?: tf.KernelConfig['setupFunc']): void {
  // Unregister first: registering over a kernel only warns and keeps going, printing to the console.
  if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, ...(setupFunc ? { setupFunc } : {}) });
  OURS.add(kernelFunc);
}

/**
 * Registers the gradient kernels on the wasm backend: the three it lacks, and replacements for
 * Conv2DBackpropInput (slow) and MaxPoolGrad (wrong). Call it before or after the backend starts;
 * calling it again is a no-op. Returns the kernel names this call registered.
 */
export function registerWasmGradientKernels(): string[] {
  const added: string[] = [];
  registerRelu6Gradient();
  for (const { kernelName, kernelFunc } of MISSING) {
    // Present already: an earlier call, or a later tfjs release that ships it natively.
    if (tf.getKernel(kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: asKernelFunc(kernelFunc) });
    added.push(kernelName);
  }
  for (const { kernelName, kernelFunc } of REPLACED) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current !== undefined && OURS.has(current.kernelFunc)) continue;
    replaceKernel(kernelName, kernelFunc);
    added.push(kernelName);
  }
  for (const { kernelName, wrap } of WRAPPED) {
    const current = tf.getKernel(kernelName, 'wasm');
    // Absent (the wasm package not loaded) or wrapped already: nothing to do.
    if (current === undefined || OURS.has(current.kernelFunc)) continue;
    replaceKernel(kernelName, wrap(current.kernelFunc), current.setupFunc);
    added.push(kernelName);
  }
  return added;
}

/** Names of the kernels this module provides, for reports and tests. */
export const WASM_GRADIENT_KERNELS: readonly string[] = [...MISSING, ...REPLACED, ...WRAPPED].map((k) => k.kernelName);
