/** The engine process's side of the panel's Evaluation view: one EvaluateJob -> one evaluation folder. */
import { VebiError } from '../shared/errors';
import type { EvaluateJob } from '../shared/engine-protocol';
import { compareMethods, evaluateAblation, evaluateLocalization, evaluateSanity } from '../engine/evaluate';
import type { RunHooks } from '../engine';

function needs(value: string | undefined, what: string): string {
  if (!value) throw new VebiError('BAD_ARGUMENT', `This evaluation needs ${what}.`);
  return value;
}

/** Runs the job; returns the folder it wrote. */
export async function runEvaluation(job: EvaluateJob, hooks: RunHooks): Promise<{ outDir: string; backend: string }> {
  const common = { modelPath: job.modelPath, outDir: job.outDir, backend: job.backend };
  const maxPerClass = job.maxPerClass;
  switch (job.kind) {
    case 'comparison': {
      const { summary, outDir } = await compareMethods({ ...common, reportDir: job.reportDir, imagePath: needs(job.imagePath, 'an image') }, hooks);
      return { outDir, backend: summary.backend };
    }
    case 'localization': {
      const { summary, outDir } = await evaluateLocalization({ ...common, reportDir: job.reportDir, dataDir: needs(job.dataDir, 'a folder with images/ and masks/'), maxPerClass }, hooks);
      return { outDir, backend: summary.backend };
    }
    case 'ablation': {
      const { summary, outDir } = await evaluateAblation({ ...common, reportDir: job.reportDir, dataDir: needs(job.dataDir, 'a labelled image folder'), maxPerClass }, hooks);
      return { outDir, backend: summary.backend };
    }
    case 'sanity': {
      const dataDir = needs(job.dataDir, 'the training folder');
      const { summary, outDir } = await evaluateSanity({ ...common, dataDir, imagesDir: dataDir, maxPerClass }, hooks);
      return { outDir, backend: summary.backend };
    }
  }
}
