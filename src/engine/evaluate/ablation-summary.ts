/** Raw per-draw accuracies -> the figures of ablation.json (per class, and averaged over classes). */
import type { AblationCount } from './ablation-sets';
import type { AblationPoint, AblationSummary, ClassAblation, ClassVsOthers, MeanStd } from './ablation-types';

export interface RawClassAblation extends Omit<ClassAblation, 'points'> {
  perCount: { n: AblationCount; ablated: number; relevant: ClassVsOthers; random: ClassVsOthers[] }[];
}

export function meanStd(values: readonly number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function point(n: AblationCount, ablated: number, relevant: ClassVsOthers, random: ClassVsOthers[]): AblationPoint {
  return { n, ablated, relevant, random: { class: meanStd(random.map((r) => r.class)), others: meanStd(random.map((r) => r.others)) } };
}

export function summarize(raw: RawClassAblation[], header: Omit<AblationSummary, 'classes' | 'average'>): AblationSummary {
  const classes: ClassAblation[] = raw.map(({ perCount, ...rest }) => ({ ...rest, points: perCount.map((p) => point(p.n, p.ablated, p.relevant, p.random)) }));
  const draws = header.params.draws;
  const points = header.params.counts.map((n, i) => {
    const at = raw.map((c) => c.perCount[i]);
    // Draw d of the class average = the mean over classes of each class's draw d.
    const random = Array.from({ length: draws }, (_, d) => ({ class: mean(at.map((p) => p.random[d].class)), others: mean(at.map((p) => p.random[d].others)) }));
    return point(n, mean(at.map((p) => p.ablated)), { class: mean(at.map((p) => p.relevant.class)), others: mean(at.map((p) => p.relevant.others)) }, random);
  });
  const baseline = { class: mean(raw.map((c) => c.baseline.class)), others: mean(raw.map((c) => c.baseline.others)) };
  return { ...header, classes, average: { baseline, points } };
}
