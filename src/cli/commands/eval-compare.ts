/** `vebi eval compare`: every explanation method on one image, side by side. */
import type { ProgressListener } from '../../shared/progress';
import { compareMethods } from '../../engine/evaluate';
import type { ComparisonReport } from '../../shared/evaluation';
import { BACKENDS, integer, list, oneOf, parse, required } from '../args';
import { EXIT } from '../exit-codes';

export const COMPARE_USAGE = `  vebi eval compare --model M --image IMG --report DIR [--out DIR] [options]
      Explains one image with every method (VEBI and the baselines) for the same class and
      writes their heatmaps side by side: compare.json, index.html, PNGs
      (default --out ./eval-compare).
        --methods LIST       methods, comma-separated (default all)
        --class N            class to explain (default: the predicted one)
        --backend auto|tensorflow|wasm|cpu
        --json               print compare.json's per-method figures as JSON
`;

export async function runCompare(args: string[], signal: AbortSignal, onProgress: ProgressListener | undefined): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' },
    image: { type: 'string' },
    report: { type: 'string' },
    out: { type: 'string' },
    methods: { type: 'string' },
    class: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(COMPARE_USAGE);
    return EXIT.ok;
  }
  const { summary, outDir } = await compareMethods(
    {
      modelPath: required(values.model, 'model'),
      imagePath: required(values.image, 'image'),
      reportDir: required(values.report, 'report'),
      outDir: values.out ?? 'eval-compare',
      methods: list(values.methods),
      classIndex: integer(values.class, 'class'),
      backend: oneOf(values.backend, 'backend', BACKENDS),
    },
    { signal, onProgress },
  );
  process.stdout.write(values.json ? `${JSON.stringify({ outDir, prediction: summary.prediction, explained: summary.explained, methods: summary.methods })}\n` : summarizeComparison(summary, outDir));
  return EXIT.ok;
}

function summarizeComparison(s: ComparisonReport, outDir: string): string {
  const lines = [
    `Predicted ${s.prediction.className} (${(100 * s.prediction.probability).toFixed(1)}%); every method explains class ${s.explained.className}:`,
    ...s.methods.map((m) => `  ${m.displayName.padEnd(26)} ${m.error ? `failed: ${m.error}` : `${Math.round(m.ms)} ms`}`),
    `Side by side: ${outDir}/index.html`,
  ];
  return `${lines.join('\n')}\n`;
}
