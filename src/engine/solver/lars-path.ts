/**
 * Homotopy (LARS-lasso) path of the penalised problem min 1/2 f(w) + lambda ||w||_1 for lambda going
 * from max|c| down to 0, on the Gram matrix only. Along the path ||w||_1 grows piecewise linearly, so
 * the constrained solution with budget mu is where the path crosses ||w||_1 = mu: the step that would
 * cross it is cut there exactly. With w >= 0 it is the positive LARS (only positive correlations join).
 *
 * Degeneracies:
 * - zero columns never join;
 * - a joining column in the span of the active set (duplicate or collinear) fails the Cholesky rank
 *   check and is skipped until the active set loses a column (while the set only grows its
 *   correlation stays tied at lambda, so skipping it loses nothing);
 * - ties (several columns reaching lambda together) join one at a time with zero-length steps; a
 *   column that joined at a tie but whose direction points against its sign leaves again at once
 *   (greedy, most negative first). If a column set aside that way would overtake lambda, or ties
 *   cycle, the path stops with `degenerate` and the caller finishes with the active-set method.
 */
import { cancelledError } from '../../shared/errors';
import { IncrementalCholesky } from './cholesky';
import { RANK_TOLERANCE, type L1Problem } from './problem';

export interface PathResult {
  w: Float64Array;
  /** Lambda where the path stopped (0 at the least-squares end). */
  lambda: number;
  iterations: number;
  /** True when the budget cut the path (the constraint is active). */
  budgetReached: boolean;
  /** True when ties defeated the path and it stopped early (w is feasible, not optimal). */
  degenerate: boolean;
}

const enum PathEvent {
  End,
  Budget,
  Drop,
  Join,
}

/** A denominator 1 -+ a_j below this means the column's correlation never catches up with lambda. */
const DENOMINATOR_FLOOR = 1e-12;
/** How far below 1 s_j a_j of a column set aside at a tie may fall (rounding). */
const TIE_SLACK = 1e-9;
/** Recompute r = c - G w from scratch this often to stop drift of the incremental updates. */
const REFRESH_EVERY = 32;

export function larsLassoPath(
  problem: L1Problem,
  mu: number,
  nonNegative: boolean,
  signal?: AbortSignal,
  maxIterations = 20 * problem.m + 100,
): PathResult {
  const { gram, xty, m } = problem;
  const w = new Float64Array(m);
  if (!(mu > 0)) return { w, lambda: 0, iterations: 0, budgetReached: true, degenerate: false };

  const r = Float64Array.from(xty);
  const dead = new Uint8Array(m);
  const position = new Int32Array(m).fill(-1);
  const ignored = new Uint8Array(m);
  const ignoredList: number[] = [];
  const active: number[] = [];
  const signs: number[] = [];
  const tiedOut: number[] = [];
  const chol = new IncrementalCholesky(gram, m);
  const d = new Float64Array(m);
  const a = new Float64Array(m);
  const join: JoinCandidate = { gamma: 0, index: -1 };

  let lambda = 0;
  let first = -1;
  for (let j = 0; j < m; j++) {
    if (!(gram[j * m + j] > 0)) {
      dead[j] = 1;
      continue;
    }
    const v = nonNegative ? r[j] : Math.abs(r[j]);
    if (v > lambda) {
      lambda = v;
      first = j;
    }
  }
  // No column correlates (positively, for w >= 0) with y: w = 0 is optimal.
  if (first < 0) return { w, lambda: 0, iterations: 0, budgetReached: false, degenerate: false };

  let pendingJoin = first;
  let justDropped = -1;
  let justDroppedSign = 0;
  let l1 = 0;
  let iterations = 0;
  let zeroSteps = 0;
  let budgetReached = false;
  let degenerate = false;

  const ignore = (j: number): void => {
    ignored[j] = 1;
    ignoredList.push(j);
  };
  // The span shrank: columns skipped as dependent may be independent now.
  const removeAt = (p: number): void => {
    const j = active[p];
    chol.remove(p);
    active.splice(p, 1);
    signs.splice(p, 1);
    position[j] = -1;
    for (let i = p; i < active.length; i++) position[active[i]] = i;
    w[j] = 0;
    for (const q of ignoredList) ignored[q] = 0;
    ignoredList.length = 0;
  };

  while (iterations < maxIterations) {
    if (signal?.aborted) throw cancelledError();
    iterations++;

    if (pendingJoin >= 0) {
      const j = pendingJoin;
      pendingJoin = -1;
      if (chol.tryAppend(active, j, RANK_TOLERANCE)) {
        position[j] = active.length;
        active.push(j);
        signs.push(nonNegative || r[j] >= 0 ? 1 : -1);
      } else {
        ignore(j);
      }
    }

    // Direction d = G_AA^-1 s; columns still at zero that would move against their sign leave.
    let k = active.length;
    tiedOut.length = 0;
    for (;;) {
      k = active.length;
      for (let i = 0; i < k; i++) d[i] = signs[i];
      chol.solveInPlace(d);
      let worst = -1;
      let worstValue = 0;
      for (let i = 0; i < k; i++) {
        if (w[active[i]] !== 0) continue;
        const v = d[i] * signs[i];
        if (v <= 0 && (worst < 0 || v < worstValue)) {
          worst = i;
          worstValue = v;
        }
      }
      if (worst < 0) break;
      tiedOut.push(active[worst]);
      removeAt(worst);
    }

    a.fill(0);
    let sd = 0;
    for (let i = 0; i < k; i++) {
      const di = d[i];
      sd += signs[i] * di;
      addScaledRow(a, gram, active[i] * m, di, m);
    }

    // A column set aside at a tie must not overtake lambda (s_j a_j >= 1), else the greedy choice
    // was wrong: stop and let the exact active-set method go on from this feasible point.
    for (const j of tiedOut) {
      const sj = nonNegative || r[j] >= 0 ? 1 : -1;
      if (sj * a[j] < 1 - TIE_SLACK) degenerate = true;
    }
    if (degenerate) break;

    let gamma = lambda;
    let event = PathEvent.End;
    let eventIndex = -1;
    if (sd > 0) {
      const toBudget = Math.max(0, (mu - l1) / sd);
      if (toBudget <= gamma) {
        gamma = toBudget;
        event = PathEvent.Budget;
      }
    }
    for (let i = 0; i < k; i++) {
      const j = active[i];
      if (w[j] * d[i] >= 0) continue;
      const g = -w[j] / d[i];
      if (g < gamma) {
        gamma = g;
        event = PathEvent.Drop;
        eventIndex = i;
      }
    }
    join.gamma = gamma;
    join.index = -1;
    firstJoin(r, a, dead, position, ignored, lambda, nonNegative, justDropped, justDroppedSign, join);
    if (join.index >= 0) {
      gamma = join.gamma;
      event = PathEvent.Join;
      eventIndex = join.index;
    }

    l1 = 0;
    for (let i = 0; i < k; i++) {
      const j = active[i];
      w[j] += gamma * d[i];
      l1 += Math.abs(w[j]);
    }
    lambda -= gamma;
    if (iterations % REFRESH_EVERY === 0 && k > 0) {
      refreshCorrelations(problem, w, active, r);
      // Active correlations are s_i lambda on the path: re-read lambda from them too.
      let sum = 0;
      for (let i = 0; i < k; i++) sum += signs[i] * r[active[i]];
      lambda = Math.max(0, sum / k);
    } else {
      addScaled(r, a, -gamma, m);
    }
    justDropped = -1;
    zeroSteps = gamma > 0 ? 0 : zeroSteps + 1;

    if (event === PathEvent.End) {
      lambda = 0;
      break;
    }
    if (event === PathEvent.Budget) {
      budgetReached = true;
      break;
    }
    if (zeroSteps > m + 10) {
      // Ties cycling without progress.
      degenerate = true;
      break;
    }
    if (event === PathEvent.Drop) {
      justDropped = active[eventIndex];
      justDroppedSign = signs[eventIndex];
      removeAt(eventIndex);
    } else {
      pendingJoin = eventIndex;
    }
  }
  return { w, lambda, iterations, budgetReached, degenerate };
}

interface JoinCandidate {
  /** In: the step found so far; out: the join step if one comes first. */
  gamma: number;
  index: number;
}

/**
 * The first inactive column whose correlation r_q - g a_q reaches +-(lambda - g) within the step.
 * A column that just left at +-lambda may not rejoin on that side in the next step (it is moving
 * inwards; rounding could say otherwise), but it may reach the opposite side.
 * Kept apart (like the two loops below) so that the JIT optimises these hot loops early.
 */
function firstJoin(
  r: Float64Array,
  a: Float64Array,
  dead: Uint8Array,
  position: Int32Array,
  ignored: Uint8Array,
  lambda: number,
  nonNegative: boolean,
  justDropped: number,
  justDroppedSign: number,
  best: JoinCandidate,
): void {
  let gamma = best.gamma;
  let index = -1;
  const m = r.length;
  for (let q = 0; q < m; q++) {
    if (dead[q] || position[q] >= 0 || ignored[q]) continue;
    const rq = r[q];
    const aq = a[q];
    const blocked = q === justDropped ? justDroppedSign : 0;
    const den = 1 - aq;
    if (blocked !== 1 && den > DENOMINATOR_FLOOR) {
      const g = Math.max(0, (lambda - rq) / den);
      if (g < gamma) {
        gamma = g;
        index = q;
      }
    }
    if (!nonNegative) {
      const den2 = 1 + aq;
      if (blocked !== -1 && den2 > DENOMINATOR_FLOOR) {
        const g = Math.max(0, (lambda + rq) / den2);
        if (g < gamma) {
          gamma = g;
          index = q;
        }
      }
    }
  }
  if (index >= 0) {
    best.gamma = gamma;
    best.index = index;
  }
}

/** out += scale * gram[offset .. offset + m). */
function addScaledRow(out: Float64Array, gram: Float64Array, offset: number, scale: number, m: number): void {
  for (let q = 0; q < m; q++) out[q] += scale * gram[offset + q];
}

/** out += scale * v. */
function addScaled(out: Float64Array, v: Float64Array, scale: number, m: number): void {
  for (let q = 0; q < m; q++) out[q] += scale * v[q];
}

function refreshCorrelations(problem: L1Problem, w: Float64Array, active: number[], r: Float64Array): void {
  const { gram, xty, m } = problem;
  r.set(xty);
  for (const j of active) addScaledRow(r, gram, j * m, -w[j], m);
}
