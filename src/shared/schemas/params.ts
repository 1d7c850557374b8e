/** The parameters a report records (report.json params, explanation.json params). */
import { z } from 'zod';
import { PREPROCESSING_HELP } from '../preprocessing-text';
import { positiveCount } from './report-fields';

export const BACKEND_NAME_SCHEMA = z.enum(['tensorflow', 'wasm', 'cpu']);

export const LABEL_SOURCE_SCHEMA = z.enum(['gt', 'predicted']);

const MEANSTD_VALUES = '"preprocessing" of kind "meanstd" needs "mean" and "std" as non-empty arrays of numbers.';
const meanStdValues = z
  .array(z.number({ error: MEANSTD_VALUES }), { error: MEANSTD_VALUES })
  // Stryker disable next-line ObjectLiteral: zod (4.6.7, pinned) gives a check without its own error the array's error, the same sentence
  .min(1, { error: MEANSTD_VALUES });

/**
 * How pixels (0..255 per channel) are mapped before the model sees them. The messages are whole
 * sentences: vebi.json, which users write by hand, shows them as they are.
 */
export const PREPROCESSING_SCHEMA = z.discriminatedUnion(
  'kind',
  [
    /** x / 255 -> [0, 1] */
    z.object({ kind: z.literal('unit') }),
    /** x -> [0, 255] */
    z.object({ kind: z.literal('raw') }),
    /** x / 127.5 - 1 -> [-1, 1] */
    z.object({ kind: z.literal('symmetric') }),
    /** ((x / 255 or x) - mean) / std per channel */
    z.object({
      kind: z.literal('meanstd'),
      mean: meanStdValues,
      std: meanStdValues.refine((std) => !std.includes(0), { error: '"preprocessing" has a std of 0 (division by zero).' }),
      scale: z.enum(['unit', 'raw'], { error: (issue) => `"preprocessing.scale" must be "unit" or "raw", got ${JSON.stringify(issue.input)}.` }).optional(),
    }),
  ],
  {
    error: ({ input }) => {
      if (typeof input === 'string') return '"preprocessing" must be an object here ({"kind": "unit" | "raw" | "symmetric" | "meanstd", ...}).';
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return `"preprocessing" must be a string or an object. ${PREPROCESSING_HELP}`;
      return `"preprocessing.kind" must be "unit", "raw", "symmetric" or "meanstd", got ${JSON.stringify((input as { kind?: unknown }).kind)}.`;
    },
  },
);

export const INTERPRET_PARAMS_SCHEMA = z.object({
  /** L1 budget of each class's weight vector. */
  mu: z.number().nonnegative(),
  /** Images kept per relevant feature for its visualisation. */
  topK: positiveCount,
  labels: LABEL_SOURCE_SCHEMA,
  batchSize: positiveCount,
  preprocessing: PREPROCESSING_SCHEMA,
  /** L2-normalise each feature vector after the per-layer L1 normalisation (method.md section 1). */
  l2Normalize: z.boolean(),
  /** Only these feature layers provide features (default: every feature layer). */
  layers: z.array(z.string()).optional(),
});

export const EXPLAIN_PARAMS_SCHEMA = z.object({
  /** Features kept for one explanation (the paper's p). */
  topFeatures: positiveCount,
  /** The paper's fix for strided convolutions; false gives plain guided backprop. */
  stridedFix: z.boolean(),
  /** One of EXPLANATION_METHODS' names; VEBI when absent. */
  method: z.string().optional(),
});

export type BackendName = z.infer<typeof BACKEND_NAME_SCHEMA>;
export type LabelSource = z.infer<typeof LABEL_SOURCE_SCHEMA>;
export type Preprocessing = z.infer<typeof PREPROCESSING_SCHEMA>;
export type InterpretParams = z.infer<typeof INTERPRET_PARAMS_SCHEMA>;
export type ExplainParams = z.infer<typeof EXPLAIN_PARAMS_SCHEMA>;
