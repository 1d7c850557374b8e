/** Engine progress as VS Code shows it: a line of text and an overall percentage. Pure. */
import { STAGE_TITLES } from '../shared/progress';
import type { ProgressEvent, Stage } from '../shared/progress';

/** Share of the whole run each stage takes, for the notification's progress bar. */
const STAGE_SPAN: Record<Stage, [number, number]> = {
  load: [0, 5],
  features: [5, 70],
  solve: [70, 78],
  interpret: [78, 97],
  write: [97, 100],
  explain: [0, 100],
  evaluate: [5, 97],
  generate: [0, 97],
};

export function describeProgress(event: ProgressEvent): string {
  const eta = event.etaSeconds !== undefined && Number.isFinite(event.etaSeconds) && event.done < event.total ? `, ${Math.ceil(event.etaSeconds)} s left` : '';
  const stageCounts = event.stage === 'solve' ? `class ${event.done} of ${event.total}` : `${event.done}/${event.total} ${event.unit}`;
  return `${STAGE_TITLES[event.stage]}: ${stageCounts}${eta}`;
}

export function overallPercent(event: ProgressEvent): number {
  const [from, to] = STAGE_SPAN[event.stage];
  const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
  return from + (to - from) * fraction;
}
