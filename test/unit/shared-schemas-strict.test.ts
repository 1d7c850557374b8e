/**
 * Hostile or damaged values in the files VEBI reads back are refused with a message naming the
 * field: weights whose counts disagree with the model (explain would read the wrong numbers),
 * class results out of order, colours and digests that only look right (anchored patterns: extra
 * characters before or after are refused too).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CACHE_INDEX_SCHEMA } from '../../src/shared/schemas/cache-index';
import { FLOWERS_MANIFEST_SCHEMA } from '../../src/shared/schemas/flowers-manifest';
import { INTERPRET_REPORT_SCHEMA } from '../../src/shared/schemas/interpret-report';
import { OUTPUT_MANIFEST_SCHEMA } from '../../src/shared/schemas/output-manifest';
import { checkJsonValue } from '../../src/shared/schemas/parse-json-text';
import type { z } from 'zod';

type Json = Record<string, unknown>;

/** The "path: message" problems `schema` finds in `value` ([] when it accepts it). */
function problems(value: unknown, schema: z.ZodType): string[] {
  const check = checkJsonValue(value, schema);
  return check.ok ? [] : check.problems.map((p) => `${p.path}: ${p.message}`);
}

const SOLVE = { objective: 0.5, l1: 1, kktViolation: 0, iterations: 3, ms: 1 };

function classResult(index: number, name: string): Json {
  return { index, name, count: 2, relevant: [{ index: 1, layer: 'conv', channel: 1, weight: 0.5 }], present: [], absent: [], perLayer: { conv: 1 }, solve: SOLVE, signedSolve: SOLVE };
}

/** A small consistent report: 2 classes, 2 features. */
function report(): Json {
  return {
    schemaVersion: 1,
    kind: 'interpretation',
    tool: { name: 'vebi', version: '0.0.0' },
    createdAt: '2024-01-01T00:00:00Z',
    backend: 'cpu',
    cacheKey: 'k',
    model: { path: 'm.json', format: 'layers', inputShape: [8, 8, 3], numClasses: 2, layers: [], featureCount: 2 },
    data: { path: 'd', classes: ['cat', 'dog'], numImages: 4, skipped: [], accuracy: 1, perClassAccuracy: [1, 1] },
    params: { mu: 10, topK: 16, labels: 'gt', batchSize: 64, preprocessing: { kind: 'unit' }, l2Normalize: true },
    classes: [classResult(0, 'cat'), classResult(1, 'dog')],
    visuals: {},
    weights: { nonNegative: 'weights.bin', signed: 'signed.bin', peakResponses: 'peaks.bin', featureCount: 2, numClasses: 2 },
    timings: { total: 1 },
  };
}

test('report.json: the consistent report is accepted', () => {
  assert.deepEqual(problems(report(), INTERPRET_REPORT_SCHEMA), []);
});

test('report.json: weights.numClasses that disagrees with model.numClasses is named', () => {
  const r = report();
  r.model = { ...(r.model as Json), numClasses: 3 };
  assert.deepEqual(problems(r, INTERPRET_REPORT_SCHEMA), ['weights.numClasses: is 2 but model.numClasses is 3']);
});

test('report.json: data.classes that disagrees with weights.numClasses is named', () => {
  const r = report();
  r.data = { ...(r.data as Json), classes: ['cat', 'dog', 'fox'] };
  assert.deepEqual(problems(r, INTERPRET_REPORT_SCHEMA), ['data.classes: lists 3 classes but weights.numClasses is 2']);
});

test('report.json: a class result out of order is named by its position', () => {
  const r = report();
  r.classes = [classResult(0, 'cat'), classResult(0, 'dog')];
  assert.deepEqual(problems(r, INTERPRET_REPORT_SCHEMA), ['classes[1].index: is 0, expected 1']);
  r.classes = [classResult(1, 'dog'), classResult(0, 'cat')];
  assert.deepEqual(problems(r, INTERPRET_REPORT_SCHEMA), ['classes[0].index: is 1, expected 0', 'classes[1].index: is 0, expected 1']);
});

const HEX64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

test('cache index: the key is exactly 64 lowercase hexadecimal digits', () => {
  assert.deepEqual(problems({ key: HEX64, storedAt: 'now' }, CACHE_INDEX_SCHEMA), []);
  for (const key of [HEX64.slice(1), `${HEX64}0`, `x${HEX64}`, `${HEX64}x`, `../${HEX64}`, `${HEX64}/..`, HEX64.toUpperCase(), '']) {
    assert.deepEqual(problems({ key, storedAt: 'now' }, CACHE_INDEX_SCHEMA), ['key: must be 64 lowercase hexadecimal digits (a SHA-256)'], key);
  }
});

function outputManifest(sha256: string): Json {
  return { tool: 'vebi', version: '1.0.0', kind: 'interpretation', createdAt: 'now', files: [{ path: 'report.json', bytes: 10, sha256 }] };
}

test('output manifest: each file\'s sha256 is exactly 64 lowercase hexadecimal digits', () => {
  assert.deepEqual(problems(outputManifest(HEX64), OUTPUT_MANIFEST_SCHEMA), []);
  for (const sha256 of [HEX64.slice(1), `${HEX64}0`, `${HEX64}\n`, `${HEX64}x`, `x${HEX64}`, HEX64.toUpperCase()]) {
    assert.deepEqual(problems(outputManifest(sha256), OUTPUT_MANIFEST_SCHEMA), ['files[0].sha256: must be 64 lowercase hexadecimal digits'], JSON.stringify(sha256));
  }
});

function flowersManifest(petals: string, shared: string): Json {
  return {
    generator: { name: 'vebi-flowers', version: 1 },
    variant: 'single-6c',
    classes: [{ index: 0, name: 'red', colours: { petals: { name: 'red', hex: petals } } }],
    discriminativeParts: ['petals'],
    parts: ['background', 'stem', 'petals'],
    sharedPalette: [{ name: 'sky', hex: shared }],
    perClass: 1,
    size: 64,
    seed: 1,
    images: 1,
    layout: { images: 'images', masks: 'masks' },
    items: [{ image: 'images/red/0.png', mask: 'masks/red/0.png', label: 0, maskFraction: 0.25 }],
  };
}

test('flowers manifest: colours are exactly #rrggbb in lowercase', () => {
  assert.deepEqual(problems(flowersManifest('#ff0000', '#a0c8f0'), FLOWERS_MANIFEST_SCHEMA), []);
  for (const hex of ['x#ff0000', '#ff0000x', '#ff00000', '#ff000', 'ff0000', '#FF0000', '#ff0000\n', '']) {
    assert.deepEqual(problems(flowersManifest(hex, '#a0c8f0'), FLOWERS_MANIFEST_SCHEMA), ['classes[0].colours.petals.hex: must be a colour as #rrggbb'], JSON.stringify(hex));
    assert.deepEqual(problems(flowersManifest('#ff0000', hex), FLOWERS_MANIFEST_SCHEMA), ['sharedPalette[0].hex: must be a colour as #rrggbb'], JSON.stringify(hex));
  }
});
