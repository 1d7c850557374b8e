/** Time of one explanation (forward + p guided projections + heatmaps) on a loaded model, warm. */
import * as path from 'node:path';
import { computeExplanation, loadModel, readInterpretation } from '../src/engine';
import { decodeImage, preprocess } from '../src/engine/data';
import { FeatureTable } from '../src/engine/interpret/feature-table';

export async function benchExplanation(modelPath: string, reportDir: string, runs = 30): Promise<{ explainMs: number }> {
  const model = await loadModel(modelPath);
  const interpretation = await readInterpretation(reportDir);
  const table = new FeatureTable(model.layers);
  const { report } = interpretation;
  const weights = { ...interpretation, numClasses: report.weights.numClasses, feature: (i: number) => table.at(i), l2Normalize: report.params.l2Normalize };
  const [height, width, channels] = model.inputShape;
  const first = report.visuals[Object.keys(report.visuals)[0]].topImages[0].image;
  const pixels = await decodeImage(path.join(report.data.path, first), { height, width, channels: channels as 1 | 3 });
  const input = preprocess(pixels, channels, report.params.preprocessing);
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const start = performance.now();
    computeExplanation(model, weights, input, { topFeatures: 3, stridedFix: true });
    if (i >= 3) times.push(performance.now() - start);
  }
  model.dispose();
  times.sort((a, b) => a - b);
  return { explainMs: times[Math.floor(times.length / 2)] };
}
