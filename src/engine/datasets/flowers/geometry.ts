/**
 * The random pose of one flower: where the head is, how big, how many petals of which shape, how
 * the stem bends, where the leaves grow, and the background and foreground clutter. Pure numbers,
 * in pixels of a size x size canvas, listed back to front (the drawing order decides occlusion).
 */
import type { FlowerPart } from './classes';
import { integer, pick, uniform, type Random } from '../../seeded-random';

export type Shape =
  | { kind: 'canvas' }
  | { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; rotate: number }
  /** A closed path, filled. */
  | { kind: 'area'; d: string }
  /** An open path, stroked `width` wide. */
  | { kind: 'line'; d: string; width: number };

export interface Element {
  part: FlowerPart;
  /** Elements of one group share one colour (all petals; each grass blade on its own). */
  group: string;
  shape: Shape;
  /** Dark outline around the element (flower parts and grass, not the background). */
  outline: boolean;
}

type Point = readonly [number, number];

const DEG = Math.PI / 180;

function f(value: number): string {
  return value.toFixed(2);
}

function p(point: Point): string {
  return `${f(point[0])} ${f(point[1])}`;
}

function add(a: Point, b: Point, scale = 1): Point {
  return [a[0] + b[0] * scale, a[1] + b[1] * scale];
}

function unit(angleDeg: number): Point {
  return [Math.cos(angleDeg * DEG), Math.sin(angleDeg * DEG)];
}

/** A pointed leaf/petal: two quadratic curves from `base`, `length` along `angleDeg`, widest (2 x halfWidth) mid-way. */
function lens(base: Point, angleDeg: number, length: number, halfWidth: number): string {
  const u = unit(angleDeg);
  const n: Point = [-u[1], u[0]];
  const tip = add(base, u, length);
  const mid = add(base, u, length / 2);
  // A quadratic's apex sits half-way to its control point.
  return `M${p(base)} Q${p(add(mid, n, 2 * halfWidth))} ${p(tip)} Q${p(add(mid, n, -2 * halfWidth))} ${p(base)} Z`;
}

function bezier(p0: Point, c: Point, p2: Point, t: number): Point {
  const a = (1 - t) * (1 - t);
  const b = 2 * (1 - t) * t;
  const d = t * t;
  return [a * p0[0] + b * c[0] + d * p2[0], a * p0[1] + b * c[1] + d * p2[1]];
}

function bezierAngle(p0: Point, c: Point, p2: Point, t: number): number {
  const dx = 2 * (1 - t) * (c[0] - p0[0]) + 2 * t * (p2[0] - c[0]);
  const dy = 2 * (1 - t) * (c[1] - p0[1]) + 2 * t * (p2[1] - c[1]);
  return Math.atan2(dy, dx) / DEG;
}

export function randomFlower(rand: Random, size: number): Element[] {
  const s = size;
  const elements: Element[] = [{ part: 'background', group: 'background', shape: { kind: 'canvas' }, outline: false }];

  const blobs = integer(rand, 2, 5);
  for (let i = 0; i < blobs; i++) {
    const shape: Shape = { kind: 'ellipse', cx: uniform(rand, 0, s), cy: uniform(rand, 0, s), rx: uniform(rand, 0.06, 0.2) * s, ry: uniform(rand, 0.06, 0.2) * s, rotate: uniform(rand, 0, 180) };
    elements.push({ part: 'background', group: `blob-${i}`, shape, outline: false });
  }

  // Head: position, radius to the petal tips, petal count, shape and spin.
  const head: Point = [uniform(rand, 0.3, 0.7) * s, uniform(rand, 0.24, 0.48) * s];
  const radius = uniform(rand, 0.15, 0.25) * s;
  const petals = integer(rand, 5, 9);
  const petalShape = pick(rand, ['ellipse', 'lens'] as const);
  const spin = uniform(rand, 0, 360 / petals);
  const petalLength = radius * uniform(rand, 0.72, 0.88);
  const inner = radius - petalLength;
  // Petal width from the circumference at mid-length: neighbours touch or overlap a little.
  const petalWidth = ((2 * Math.PI * (inner + petalLength / 2)) / petals) * uniform(rand, 0.8, 1.25);
  const centreRadius = radius * uniform(rand, 0.24, 0.36);

  // Stem: a quadratic curve from the head down past the bottom edge.
  const foot: Point = [head[0] + uniform(rand, -0.25, 0.25) * s, s * 1.05];
  const bend = uniform(rand, -0.15, 0.15) * s;
  const mid: Point = [(head[0] + foot[0]) / 2, (head[1] + foot[1]) / 2];
  const along = Math.atan2(foot[1] - head[1], foot[0] - head[0]);
  const control: Point = [mid[0] - Math.sin(along) * bend, mid[1] + Math.cos(along) * bend];
  const stemWidth = uniform(rand, 0.025, 0.045) * s;
  const stem: Element = { part: 'stem', group: 'stem', shape: { kind: 'line', d: `M${p(head)} Q${p(control)} ${p(foot)}`, width: stemWidth }, outline: true };

  // Leaves: spread along the lower part of the stem, alternating sides, pointing up and out.
  const leaves = integer(rand, 1, 3);
  let side = rand() < 0.5 ? -1 : 1;
  const behind: Element[] = [];
  const front: Element[] = [];
  for (let i = 0; i < leaves; i++) {
    const t = 0.3 + ((i + uniform(rand, 0.15, 0.85)) / leaves) * 0.45;
    const base = bezier(head, control, foot, t);
    const up = bezierAngle(head, control, foot, t) + 180; // the stem's direction towards the head
    const angle = up + side * uniform(rand, 35, 75);
    const length = uniform(rand, 0.2, 0.3) * s;
    const leaf: Element = { part: 'leaves', group: 'leaves', shape: { kind: 'area', d: lens(base, angle, length, length * uniform(rand, 0.24, 0.32)) }, outline: true };
    (rand() < 0.5 ? behind : front).push(leaf);
    side = -side;
  }
  elements.push(...behind, stem, ...front);

  for (let i = 0; i < petals; i++) {
    const angle = spin + (i * 360) / petals;
    const u = unit(angle);
    const shape: Shape =
      petalShape === 'ellipse'
        ? { kind: 'ellipse', cx: head[0] + u[0] * (inner + petalLength / 2), cy: head[1] + u[1] * (inner + petalLength / 2), rx: petalLength / 2, ry: petalWidth / 2, rotate: angle }
        : { kind: 'area', d: lens(add(head, u, inner), angle, petalLength, (petalWidth / 2) * 1.15) };
    elements.push({ part: 'petals', group: 'petals', shape, outline: true });
  }
  elements.push({ part: 'centre', group: 'centre', shape: { kind: 'ellipse', cx: head[0], cy: head[1], rx: centreRadius, ry: centreRadius, rotate: 0 }, outline: true });

  // Grass blades in front: they sometimes hide part of the petals or a leaf.
  const blades = integer(rand, 0, 3);
  for (let i = 0; i < blades; i++) {
    const x = uniform(rand, -0.05, 1.05) * s;
    const halfBase = uniform(rand, 0.015, 0.03) * s;
    const height = uniform(rand, 0.25, 0.75) * s;
    const lean = uniform(rand, -0.2, 0.2) * s;
    const y = s * 1.02;
    const tip: Point = [x + lean, y - height];
    const d = `M${p([x - halfBase, y])} Q${p([x - halfBase * 0.5 + lean * 0.3, y - height * 0.6])} ${p(tip)} Q${p([x + halfBase * 0.5 + lean * 0.3, y - height * 0.6])} ${p([x + halfBase, y])} Z`;
    elements.push({ part: 'grass', group: `grass-${i}`, shape: { kind: 'area', d }, outline: true });
  }
  return elements;
}
