/**
 * Spearman rank correlation of two maps (sanity checks, Adebayo et al. 2018): the Pearson
 * correlation of their ranks, tied values sharing the average of their ranks (as scipy's spearmanr).
 */
import { VebiError } from '../../../shared/errors';

/** Ranks 1..n of `values`; equal values get the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 hold equal values: ranks start+1..end, mean (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson correlation; NaN when either side has no variance. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/**
 * Spearman's rho of two equally long maps. Constant maps have no ranking, so rho is undefined;
 * here: both constant -> 1 (the same, empty, ordering), one constant -> 0 (no rank relation).
 * NaN values are refused: they have no rank.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new VebiError('BAD_ARGUMENT', `Rank correlation of maps of ${a.length} and ${b.length} values: they must be the same size.`);
  if (a.length === 0) throw new VebiError('BAD_ARGUMENT', 'Rank correlation of empty maps.');
  for (const map of [a, b]) {
    for (let i = 0; i < map.length; i++) if (Number.isNaN(map[i])) throw new VebiError('BAD_ARGUMENT', 'Rank correlation of a map with NaN values.');
  }
  const constA = isConstant(a);
  const constB = isConstant(b);
  if (constA || constB) return constA && constB ? 1 : 0;
  return pearson(averageRanks(a), averageRanks(b));
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}
