/**
 * What a report should say when its inputs look wrong although every number is finite: a model
 * near chance on its folder, predicting one class for nearly every image, or classes with no
 * relevant feature. These are the signs of a wrong data folder or a preprocessing that does not
 * match the model's training (x/255 vs raw pixels, mean/std), which otherwise end in a silent,
 * meaningless interpretation.
 */
export interface WarningInputs {
  classes: readonly string[];
  labels: Int32Array;
  predictions: Int32Array;
  /** Relevant features per class (non-negative fit). */
  relevantCounts: readonly number[];
  /** The preprocessing as the report shows it (for the hint). */
  preprocessing: string;
}

/** Accuracy at most this far (a fraction of the way from chance to perfect) above chance is "near chance". */
const NEAR_CHANCE = 0.1;
/** One class predicted for at least this share of the images. */
const ONE_CLASS_SHARE = 0.9;

function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

export function interpretationWarnings(inputs: WarningInputs): string[] {
  const { classes, labels, predictions } = inputs;
  const n = labels.length;
  const C = classes.length;
  if (n === 0 || C < 2) return [];
  const warnings: string[] = [];
  const hint = `Check that the folder's classes are the model's (same classes, same order) and that the preprocessing (${inputs.preprocessing}) is the one the model was trained with (--preprocessing or vebi.json).`;
  let correct = 0;
  const predicted = new Array<number>(C).fill(0);
  for (let i = 0; i < n; i++) {
    if (labels[i] === predictions[i]) correct++;
    if (predictions[i] >= 0 && predictions[i] < C) predicted[predictions[i]]++;
  }
  const accuracy = correct / n;
  const chance = 1 / C;
  if (accuracy <= chance + NEAR_CHANCE * (1 - chance)) {
    warnings.push(`The model is ${percent(accuracy)} accurate on this folder, near chance (${percent(chance)} for ${C} classes): the interpretation describes a model that does not recognise these images.`);
  }
  const top = predicted.indexOf(Math.max(...predicted));
  if (C >= 3 && predicted[top] / n >= ONE_CLASS_SHARE) {
    warnings.push(`The model predicts "${classes[top]}" for ${percent(predicted[top] / n)} of the images.`);
  }
  const empty = classes.filter((_, j) => (inputs.relevantCounts[j] ?? 0) === 0);
  if (empty.length > 0) {
    warnings.push(`${empty.length === C ? 'No class has a relevant feature' : `${empty.length} of ${C} classes have no relevant feature`} (${empty.slice(0, 5).map((c) => `"${c}"`).join(', ')}${empty.length > 5 ? ', ...' : ''}): their fit found no feature that predicts them.`);
  }
  // The same advice fits every one of these signs: say it once, after the first.
  if (warnings.length > 0) warnings[0] = `${warnings[0]} ${hint}`;
  return warnings;
}
