/**
 * Exact receptive-field arithmetic through a layer stack (method.md section 3). Convention of
 * src/shared/report.ts: unit (h, w) covers input rows [offset + h*jump, offset + h*jump + size - 1].
 * A field with jump 0 covers the whole image for every unit (Dense, global pooling, Flatten...).
 */
import type { ReceptiveField } from '../../shared/report';

type Pair = [number, number];

/** How one layer changes the geometry of the units it reads. */
export type FieldOp =
  /** Pixels of the input image. */
  | { kind: 'input' }
  /** Convolution or pooling window; padBefore is the top/left padding actually applied. */
  | { kind: 'window'; kernel: Pair; stride: Pair; dilation: Pair; padBefore: Pair }
  /** Moves the grid without changing fields: ZeroPadding2D (-top, -left), Cropping2D (+top, +left). */
  | { kind: 'shift'; units: Pair }
  /** Position-wise layers (activations, normalisation, dropout, 1x1 dense on a map). */
  | { kind: 'pointwise' }
  /** Add / Concatenate / Multiply...: the union of the inputs' fields. */
  | { kind: 'merge' }
  /** Every output unit depends on every input pixel. */
  | { kind: 'whole' }
  /** Geometry we cannot express exactly (upsampling, transposed conv): no field. */
  | { kind: 'unknown' };

/** The field of a unit that sees the whole image. */
export function wholeImage(image: Pair): ReceptiveField {
  return { size: [image[0], image[1]], jump: [0, 0], offset: [0, 0] };
}

function isWhole(f: ReceptiveField): boolean {
  return f.jump[0] === 0 && f.jump[1] === 0;
}

function window(f: ReceptiveField, op: Extract<FieldOp, { kind: 'window' }>): ReceptiveField {
  if (isWhole(f)) return f;
  const axis = (i: 0 | 1): [number, number, number] => {
    const kEff = op.dilation[i] * (op.kernel[i] - 1) + 1;
    return [f.size[i] + (kEff - 1) * f.jump[i], f.jump[i] * op.stride[i], f.offset[i] - op.padBefore[i] * f.jump[i]];
  };
  const [h, w] = [axis(0), axis(1)];
  return { size: [h[0], w[0]], jump: [h[1], w[1]], offset: [h[2], w[2]] };
}

function union(fields: ReceptiveField[], image: Pair): ReceptiveField {
  const [first] = fields;
  // Unions of grids with different steps are not a grid: fall back to the whole image (a superset).
  if (fields.some((f) => f.jump[0] !== first.jump[0] || f.jump[1] !== first.jump[1])) return wholeImage(image);
  if (isWhole(first)) return wholeImage(image);
  const axis = (i: 0 | 1): [number, number] => {
    const start = Math.min(...fields.map((f) => f.offset[i]));
    const end = Math.max(...fields.map((f) => f.offset[i] + f.size[i] - 1));
    return [start, end - start + 1];
  };
  const [h, w] = [axis(0), axis(1)];
  return { size: [h[1], w[1]], jump: [...first.jump], offset: [h[0], w[0]] };
}

/** The field of a layer's units, from the fields of its inputs; undefined when unknown. */
export function propagateField(op: FieldOp, inputs: (ReceptiveField | undefined)[], image: Pair): ReceptiveField | undefined {
  if (op.kind === 'input') return { size: [1, 1], jump: [1, 1], offset: [0, 0] };
  if (op.kind === 'whole') return wholeImage(image);
  if (op.kind === 'unknown' || inputs.length === 0 || inputs.some((f) => f === undefined)) return undefined;
  const fields = inputs as ReceptiveField[];
  switch (op.kind) {
    case 'pointwise':
      return fields[0];
    case 'merge':
      return union(fields, image);
    case 'shift': {
      const f = fields[0];
      if (isWhole(f)) return f;
      return { size: [...f.size], jump: [...f.jump], offset: [f.offset[0] + op.units[0] * f.jump[0], f.offset[1] + op.units[1] * f.jump[1]] };
    }
    case 'window':
      return window(fields[0], op);
  }
}

/** Convenience for a plain chain of ops starting at the image (used by tests and docs). */
export function fieldOfChain(ops: FieldOp[], image: Pair): ReceptiveField | undefined {
  let field: ReceptiveField | undefined = propagateField({ kind: 'input' }, [], image);
  for (const op of ops) field = propagateField(op, [field], image);
  return field;
}

/** Input rows [first, last] covered by unit index u along one axis (may leave the image). */
export function fieldSpan(field: ReceptiveField, axis: 0 | 1, unit: number): [number, number] {
  const start = field.offset[axis] + unit * field.jump[axis];
  return [start, start + field.size[axis] - 1];
}
