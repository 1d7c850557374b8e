/**
 * One explanation (forward + 3 projections + heatmaps) on a 224x224 MobileNet: nsfwjs's pretrained
 * MobileNetV2 graph model (test/helpers/nsfwjs-model.ts writes it to disk), interpreted on a small
 * generated folder with its 17 depthwise-conv nodes as features, then explained warm (median).
 * The folder's labels are meaningless: this times the work, not what the model learned (and each
 * class gets a third feature so that 3 projections run: withThirdFeature).
 *   node --import tsx bench/explanation-mobilenet.ts
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeExplanation, interpret, loadModel, readInterpretation, selectBackend } from '../src/engine';
import { decodeImage, preprocess } from '../src/engine/data';
import { FeatureTable } from '../src/engine/interpret/feature-table';
import { restrictFeatureLayers } from '../src/engine/model/restrict-feature-layers';
import { makeImageFolder } from '../test/helpers/make-image-folder';
import { NSFWJS_CLASSES, writeNsfwjsMobileNetV2 } from '../test/helpers/nsfwjs-model';

const SIZE = 224;

export async function benchMobileNetExplanation(runs = 7): Promise<{ explainMs: number; features: number }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-bench-mobilenet-'));
  try {
    const modelPath = await writeNsfwjsMobileNetV2(path.join(root, 'model'));
    const folder = await makeImageFolder(path.join(root, 'data'), { classes: 5, perClass: 3, size: SIZE, channels: 3, classNames: [...NSFWJS_CLASSES] });
    await selectBackend('auto');
    const model = await loadModel(modelPath);
    const layers = model.layers.filter((l) => l.isFeature && l.className === 'FusedDepthwiseConv2dNative').map((l) => l.name);
    const { outDir } = await interpret({ modelPath, dataDir: folder.root, outDir: path.join(root, 'report'), cacheDir: null, params: { topK: 4, batchSize: 8, layers } });
    const interpretation = await readInterpretation(outDir);
    const restricted = restrictFeatureLayers(model, layers);
    const table = new FeatureTable(restricted.layers);
    const numClasses = NSFWJS_CLASSES.length;
    const weights = { ...interpretation, nonNegative: withThirdFeature(interpretation.nonNegative, numClasses), numClasses, feature: (i: number) => table.at(i), l2Normalize: true };
    // The image whose explanation has the most features (3 when one has): the figure is for 3 projections.
    let input = preprocess(await decodeImage(folder.files[0].path, { height: SIZE, width: SIZE, channels: 3 }), 3, { kind: 'unit' });
    let features = 0;
    for (const file of folder.files) {
      const candidate = preprocess(await decodeImage(file.path, { height: SIZE, width: SIZE, channels: 3 }), 3, { kind: 'unit' });
      const count = computeExplanation(restricted, weights, candidate, { topFeatures: 3, stridedFix: true }).features.length;
      if (count > features) [input, features] = [candidate, count];
      if (features === 3) break;
    }
    const times: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const start = performance.now();
      features = computeExplanation(restricted, weights, input, { topFeatures: 3, stridedFix: true }).features.length;
      if (i >= 2) times.push(performance.now() - start);
    }
    if (process.env.VEBI_BENCH_PROFILE) {
      const tf = await import('@tensorflow/tfjs');
      const info = await tf.profile(() => void computeExplanation(restricted, weights, input, { topFeatures: 3, stridedFix: true }));
      const byKernel: Record<string, number> = {};
      for (const k of info.kernels) byKernel[k.name] = (byKernel[k.name] ?? 0) + (k.kernelTimeMs as number);
      console.error(Object.entries(byKernel).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
    }
    model.dispose();
    times.sort((a, b) => a - b);
    return { explainMs: times[Math.floor(times.length / 2)], features };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/**
 * The folder's labels are noise, and every class's fit keeps 2 features; the target is for 3
 * projections, so each class gets one more: another class's first relevant feature, at a tenth of
 * the class's smallest weight (it only has to fire in the image to be projected).
 */
function withThirdFeature(nonNegative: Float32Array, numClasses: number): Float32Array {
  const weights = nonNegative.slice();
  const m = weights.length / numClasses;
  for (let c = 0; c < numClasses; c++) {
    const own = (f: number) => weights[f * numClasses + c] > 0;
    const smallest = Math.min(...Array.from({ length: m }, (_, f) => (own(f) ? weights[f * numClasses + c] : Infinity)));
    for (let f = 0; f < m; f++) {
      const elsewhere = Array.from({ length: numClasses }, (_, k) => k !== c && nonNegative[f * numClasses + k] > 0).some(Boolean);
      if (elsewhere && !own(f)) {
        weights[f * numClasses + c] = Number.isFinite(smallest) ? smallest / 10 : 1e-3;
        break;
      }
    }
  }
  return weights;
}

if (require.main === module) {
  void benchMobileNetExplanation().then((r) => console.log(JSON.stringify(r)));
}
