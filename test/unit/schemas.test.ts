/**
 * Every JSON file VEBI reads back goes through one schema: a real file written by the current code
 * parses, and hostile variants (paths out of the folder, NUL, NaN as a string, Infinity, missing
 * fields, wrong kinds, deep nesting, an array for an object) fail with a message naming the field.
 * The readers (engine, extension) turn that into one REPORT_INVALID error naming the file; the
 * interpretation's weights must stay inside the report folder, links included.
 */
import { test, before, after, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { z } from 'zod';
import { explain, interpret, readEvaluationSummary, readExplanation, readInterpretation } from '../../src/engine';
import { ResultCache } from '../../src/engine/cache/result-cache';
import { readPreprocessingSidecar } from '../../src/engine/data';
import { generateFlowers, readFlowersManifest } from '../../src/engine/datasets';
import { compareMethods, evaluateAblation, evaluateLocalization, evaluateSanity } from '../../src/engine/evaluate';
import { OUTPUT_MANIFEST } from '../../src/engine/fs/output-manifest';
import { parseJsonFile } from '../../src/engine/report/parse-json-file';
import { MAX_RESULT_FILE_BYTES, parseResultText, readResultFile } from '../../src/extension/read-result-file';
import { isVebiError } from '../../src/shared/errors';
import type { VebiErrorCode } from '../../src/shared/errors';
import { EVALUATION_FILES } from '../../src/shared/evaluation';
import type { EvaluationKind } from '../../src/shared/evaluation';
import { CACHE_INDEX_SCHEMA } from '../../src/shared/schemas/cache-index';
import { EVALUATION_SUMMARY_SCHEMAS } from '../../src/shared/schemas/evaluation-summaries';
import { EXPLANATION_REPORT_SCHEMA } from '../../src/shared/schemas/explanation-report';
import { FLOWERS_MANIFEST_SCHEMA } from '../../src/shared/schemas/flowers-manifest';
import { INTERPRET_REPORT_SCHEMA } from '../../src/shared/schemas/interpret-report';
import { OUTPUT_MANIFEST_SCHEMA } from '../../src/shared/schemas/output-manifest';
import { parseJsonText } from '../../src/shared/schemas/parse-json-text';
import { VEBI_JSON_SCHEMA } from '../../src/shared/schemas/vebi-json';
import { useBackend } from '../helpers/backend';
import { trainedFixture } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

type Json = Record<string, unknown>;
type Key = string | number;

let fixture: TrainedFixture;
let scratch: string;
let reportDir: string;
let cacheDir: string;
const folders: Record<string, string> = {};

const rejectsWithCode = (code: VebiErrorCode, pattern: RegExp, file?: string) => (error: unknown) => {
  assert.ok(isVebiError(error), `a VebiError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  if (file) {
    assert.ok(error.message.includes(file), `the message names ${file}: ${error.message}`);
    assert.equal(error.path, file);
  }
  return true;
};

/** A folder of images with the same images as their masks: enough for a real localization run. */
async function maskedFolder(dir: string): Promise<string> {
  await fs.cp(fixture.dataDir, path.join(dir, 'images'), { recursive: true });
  await fs.cp(fixture.dataDir, path.join(dir, 'masks'), { recursive: true });
  return dir;
}

before(async () => {
  await useBackend('wasm');
  fixture = await trainedFixture();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-schemas-'));
  cacheDir = path.join(scratch, 'cache');
  const model = { modelPath: fixture.modelPath, backend: 'wasm' as const };
  reportDir = (await interpret({ ...model, dataDir: fixture.dataDir, outDir: path.join(scratch, 'report'), cacheDir, params: { topK: 4, mu: 5 } })).outDir;
  const classDir = path.join(fixture.dataDir, fixture.classes[1]);
  const image = path.join(classDir, (await fs.readdir(classDir)).sort()[0]);
  folders.explanation = (await explain({ ...model, imagePath: image, reportDir, outDir: path.join(scratch, 'explanation'), cacheDir: null })).outDir;
  folders.methodExplanation = (await explain({ ...model, imagePath: image, reportDir, outDir: path.join(scratch, 'gradcam'), params: { method: 'gradcam' }, cacheDir: null })).outDir;
  folders.comparison = (await compareMethods({ ...model, imagePath: image, reportDir, outDir: path.join(scratch, 'compare'), methods: ['vebi', 'gradcam'] })).outDir;
  const flowers = await generateFlowers({ variant: 'single-6c', perClass: 1, size: 32, seed: 3, outDir: path.join(scratch, 'flowers') });
  folders.flowers = flowers.outDir;
  const masked = await maskedFolder(path.join(scratch, 'masked'));
  await fs.copyFile(flowers.manifestPath, path.join(masked, 'dataset.json'));
  folders.localization = (await evaluateLocalization({ ...model, dataDir: masked, reportDir, outDir: path.join(scratch, 'localization'), methods: ['vebi', 'gradcam'], maxPerClass: 2 })).outDir;
  folders.ablation = (await evaluateAblation({ ...model, dataDir: fixture.dataDir, reportDir, outDir: path.join(scratch, 'ablation'), counts: [1, 'all'], draws: 2, maxPerClass: 4 })).outDir;
  folders.sanity = (await evaluateSanity({ ...model, dataDir: fixture.dataDir, imagesDir: classDir, outDir: path.join(scratch, 'sanity'), methods: ['gradcam'], numImages: 2, maxPerClass: 4 })).outDir;
});

after(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

async function readJson(file: string): Promise<Json> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Json;
}

function setAt(json: Json, at: readonly Key[], value: unknown): Json {
  const copy = structuredClone(json);
  let node = copy as Record<Key, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  const last = at[at.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** "classes[0].index", as the messages write a field's path. */
function fieldName(at: readonly Key[]): string {
  return at.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

function problemOf(text: string, schema: z.ZodType): string {
  const check = parseJsonText(text, schema);
  assert.ok(!check.ok, `refused: ${text.slice(0, 120)}`);
  return check.why;
}

interface Format {
  name: string;
  file: () => string | Promise<string>;
  schema: z.ZodType;
  /** A path VEBI opens later (safeRelativePath). */
  pathField?: Key[];
  /** A number that must be finite. */
  numberField?: Key[];
  requiredField: Key[];
  /** The field that says what the file is, and a wrong value for it. */
  kind: [Key[], unknown];
}

const summary = (kind: EvaluationKind) => () => path.join(folders[kind], EVALUATION_FILES[kind]);

const FORMATS: Format[] = [
  { name: 'report.json', file: () => path.join(reportDir, 'report.json'), schema: INTERPRET_REPORT_SCHEMA, pathField: ['weights', 'nonNegative'], numberField: ['data', 'accuracy'], requiredField: ['model'], kind: [['kind'], 'explanation'] },
  { name: 'explanation.json', file: () => path.join(folders.explanation, 'explanation.json'), schema: EXPLANATION_REPORT_SCHEMA, pathField: ['combined', 'overlay'], numberField: ['prediction', 'probabilities', 0, 'probability'], requiredField: ['prediction'], kind: [['kind'], 'interpretation'] },
  { name: 'explanation.json (--method gradcam)', file: () => path.join(folders.methodExplanation, 'explanation.json'), schema: EXPLANATION_REPORT_SCHEMA, pathField: ['input'], numberField: ['timings', 'totalMs'], requiredField: ['combined'], kind: [['schemaVersion'], 2] },
  { name: 'compare.json', file: summary('comparison'), schema: EVALUATION_SUMMARY_SCHEMAS.comparison, pathField: ['methods', 1, 'overlay'], numberField: ['prediction', 'probability'], requiredField: ['explained'], kind: [['kind'], 'localization'] },
  { name: 'localization.json', file: summary('localization'), schema: EVALUATION_SUMMARY_SCHEMAS.localization, numberField: ['accuracy'], requiredField: ['methods'], kind: [['kind'], 'sanity'] },
  { name: 'ablation.json', file: summary('ablation'), schema: EVALUATION_SUMMARY_SCHEMAS.ablation, numberField: ['baselineAccuracy'], requiredField: ['average'], kind: [['kind'], 'comparison'] },
  { name: 'sanity.json', file: summary('sanity'), schema: EVALUATION_SUMMARY_SCHEMAS.sanity, numberField: ['params', 'mu'], requiredField: ['steps'], kind: [['kind'], 'ablation'] },
  {
    name: 'cache index models/<hash>.json',
    file: async () => {
      const dir = path.join(cacheDir, 'models');
      return path.join(dir, (await fs.readdir(dir)).find((f) => f.endsWith('.json')) ?? 'none');
    },
    schema: CACHE_INDEX_SCHEMA,
    pathField: ['key'],
    requiredField: ['key'],
    kind: [['key'], 'A'.repeat(64)],
  },
  { name: 'dataset.json', file: () => path.join(folders.flowers, 'dataset.json'), schema: FLOWERS_MANIFEST_SCHEMA, pathField: ['items', 0, 'mask'], numberField: ['items', 0, 'maskFraction'], requiredField: ['variant'], kind: [['variant'], 'triple-18c'] },
  { name: 'vebi-output.json', file: () => path.join(reportDir, OUTPUT_MANIFEST), schema: OUTPUT_MANIFEST_SCHEMA, pathField: ['files', 0, 'path'], numberField: ['files', 0, 'bytes'], requiredField: ['files'], kind: [['kind'], 'photos'] },
];

describe('a real file written by the current code parses; hostile variants name the field', () => {
  for (const format of FORMATS) {
    test(format.name, async () => {
      const file = await format.file();
      const real = await readJson(file);
      const parsed = format.schema.safeParse(real);
      assert.ok(parsed.success, `${file}: ${parsed.error?.message}`);

      const refused = (json: unknown, at: readonly Key[], pattern?: RegExp) => {
        const why = problemOf(JSON.stringify(json), format.schema);
        assert.ok(why.includes(`${fieldName(at)}:`) || why.includes(`${fieldName(at)}[`), `names ${fieldName(at)}: ${why}`);
        if (pattern) assert.match(why, pattern);
      };
      if (format.pathField) {
        for (const [hostile, reason] of [
          ['../../etc/passwd', /climbs out of its folder|64 lowercase/],
          ['/etc/passwd', /is absolute|64 lowercase/],
          ['features/a\u0000.png', /NUL|64 lowercase/],
        ] as const) {
          refused(setAt(real, format.pathField, hostile), format.pathField, reason);
        }
      }
      if (format.numberField) {
        refused(setAt(real, format.numberField, 'NaN'), format.numberField);
        // JSON has no NaN or Infinity, but 1e999 parses to Infinity.
        const infinite = JSON.stringify(setAt(real, format.numberField, 123456789)).replace('123456789', '1e999');
        assert.ok(problemOf(infinite, format.schema).includes(`${fieldName(format.numberField)}:`));
      }
      refused(setAt(real, format.requiredField, undefined), format.requiredField, /expected/);
      refused(setAt(real, format.kind[0], format.kind[1]), format.kind[0]);
      const deep = JSON.parse(`${'['.repeat(1024)}${']'.repeat(1024)}`) as unknown;
      refused(setAt(real, format.requiredField, deep), format.requiredField);
      assert.match(problemOf('[]', format.schema), /^does not match its format: \(the whole file\): .*expected (object|record), received array/);
      assert.match(problemOf(`${'['.repeat(1024)}${']'.repeat(1024)}`, format.schema), /\(the whole file\)/);
      assert.match(problemOf('{"kind": ', format.schema), /^is not valid JSON/);
    });
  }

  test('vebi.json (hand-written): its own messages, the field named', () => {
    const ok = parseJsonText('{"preprocessing": "meanstd:0.5:0.25", "classNames": ["b", "a"], "$comment": "x"}', VEBI_JSON_SCHEMA);
    assert.deepEqual(ok.ok && ok.value, { preprocessing: { kind: 'meanstd', mean: [0.5], std: [0.25] }, classNames: ['b', 'a'] });
    assert.match(problemOf('{"preprocessing": {"kind": "meanstd", "mean": ["NaN"], "std": [1]}}', VEBI_JSON_SCHEMA), /preprocessing.*needs "mean" and "std"/);
    assert.match(problemOf('{"preprocessing": {"kind": "meanstd", "mean": [1e999], "std": [1]}}', VEBI_JSON_SCHEMA), /needs "mean" and "std"/);
    assert.match(problemOf('{"preprocessing": {"kind": "fancy"}}', VEBI_JSON_SCHEMA), /"preprocessing.kind" must be .* got "fancy"/);
    assert.match(problemOf('{"classNames": ["../../etc"]}', VEBI_JSON_SCHEMA), /classNames: "classNames" entry "..\/..\/etc" is not a folder name/);
    assert.match(problemOf('{"preprocesing": "unit"}', VEBI_JSON_SCHEMA), /unknown key\(s\) "preprocesing"/);
    assert.match(problemOf('[]', VEBI_JSON_SCHEMA), /must hold a JSON object/);
  });

  test('at most three problems are listed, the rest counted; huge keys and values are cut', async () => {
    const real = await readJson(path.join(reportDir, 'report.json'));
    const broken = { ...real, tool: 1, createdAt: 2, backend: 'gpu', cacheKey: 3, timings: { ['k'.repeat(5000)]: 'x'.repeat(5000) } };
    const why = problemOf(JSON.stringify(broken), INTERPRET_REPORT_SCHEMA);
    assert.match(why, /tool: .*; createdAt: .*; backend: .* \(and 2 more\)$/);
    assert.ok(why.length < 1000, `short: ${why.length}`);
    const long = problemOf(JSON.stringify(setAt(real, ['timings'], { ['k'.repeat(5000)]: 'x' })), INTERPRET_REPORT_SCHEMA);
    assert.ok(long.length < 600, `cut: ${long.length}`);
  });

  test('report.json: figures that index the weights must agree with each other', async () => {
    const real = await readJson(path.join(reportDir, 'report.json'));
    assert.match(problemOf(JSON.stringify(setAt(real, ['weights', 'featureCount'], 31)), INTERPRET_REPORT_SCHEMA), /weights\.featureCount: is 31 but model\.featureCount is 32/);
    assert.match(problemOf(JSON.stringify(setAt(real, ['classes', 0, 'relevant', 0, 'index'], 32)), INTERPRET_REPORT_SCHEMA), /classes\[0\]\.relevant\[0\]\.index: is 32, beyond the 32 features/);
    assert.match(problemOf(JSON.stringify(setAt(real, ['classes'], (real.classes as unknown[]).slice(1))), INTERPRET_REPORT_SCHEMA), /classes: lists 2 classes/);
    assert.match(problemOf(JSON.stringify(setAt(real, ['schemaVersion'], 2)), INTERPRET_REPORT_SCHEMA), /schemaVersion: is 2, but this version of VEBI reads report schema 1/);
  });
});

describe('the engine readers', () => {
  /** A copy of the real report folder, with report.json changed by `edit`. */
  async function reportCopy(name: string, edit: (report: Json) => Json): Promise<string> {
    const dir = path.join(scratch, name);
    await fs.cp(reportDir, dir, { recursive: true });
    const file = path.join(dir, 'report.json');
    await fs.writeFile(file, JSON.stringify(edit(await readJson(file))));
    return dir;
  }

  test('readInterpretation, readExplanation, readEvaluationSummary read the real folders', async () => {
    const loaded = await readInterpretation(reportDir);
    assert.equal(loaded.nonNegative.length, loaded.report.weights.featureCount * loaded.report.weights.numClasses);
    assert.equal((await readExplanation(folders.explanation)).kind, 'explanation');
    for (const kind of ['comparison', 'localization', 'ablation', 'sanity'] as const) {
      assert.equal((await readEvaluationSummary(kind, folders[kind])).kind, kind);
    }
    assert.equal((await readEvaluationSummary('localization', folders.localization)).data.variant, 'single-6c', 'the variant of the flowers manifest');
    await assert.rejects(readEvaluationSummary('sanity', folders.ablation), rejectsWithCode('REPORT_NOT_FOUND', /No sanity\.json .* "vebi eval sanity"/));
    // Averaged over classes, the number of features zeroed is a mean (2.5 when classes hold 2 and 3): the e2e run met one.
    const ablation = (await readJson(path.join(folders.ablation, 'ablation.json'))) as { average: { points: { ablated: number }[] }; classes: { points: { ablated: number }[] }[] };
    ablation.average.points[0].ablated = 2.5;
    assert.equal(EVALUATION_SUMMARY_SCHEMAS.ablation.safeParse(ablation).success, true);
    ablation.classes[0].points[0].ablated = 2.5;
    assert.equal(EVALUATION_SUMMARY_SCHEMAS.ablation.safeParse(ablation).success, false, 'one class zeroes a whole number of features');
    await assert.rejects(readExplanation(path.join(scratch, 'nowhere')), rejectsWithCode('REPORT_NOT_FOUND', /No explanation\.json/));
  });

  test('a weights path out of the folder, absolute, or a link to outside: REPORT_INVALID naming report.json', async () => {
    for (const [name, weights, pattern] of [
      ['climbs', '../x.f32', /weights\.nonNegative: the path "\.\.\/x\.f32" climbs out of its folder/],
      ['absolute', '/etc/passwd', /weights\.nonNegative: the path "\/etc\/passwd" is absolute/],
    ] as const) {
      const dir = await reportCopy(name, (report) => setAt(report, ['weights', 'nonNegative'], weights));
      await assert.rejects(readInterpretation(dir), rejectsWithCode('REPORT_INVALID', pattern, path.join(dir, 'report.json')));
    }
    const linked = await reportCopy('linked', (report) => report);
    const outside = path.join(scratch, 'outside.f32');
    const real = await readJson(path.join(reportDir, 'report.json'));
    const weightsFile = path.join(linked, (real.weights as { nonNegative: string }).nonNegative);
    await fs.rename(weightsFile, outside);
    await fs.symlink(outside, weightsFile);
    await assert.rejects(readInterpretation(linked), rejectsWithCode('REPORT_INVALID', /is a link that resolves outside its folder.*Re-run "vebi interpret"/, path.join(linked, 'report.json')));
  });

  test('a weights file of the wrong size, a report.json that is a FIFO or not JSON: REPORT_INVALID, at once', async () => {
    const short = await reportCopy('short', (report) => report);
    const real = await readJson(path.join(reportDir, 'report.json'));
    await fs.truncate(path.join(short, (real.weights as { signed: string }).signed), 8);
    await assert.rejects(readInterpretation(short), rejectsWithCode('REPORT_INVALID', /has 8 bytes, expected/));
    const fifo = path.join(scratch, 'fifo-report');
    await fs.mkdir(fifo);
    execFileSync('mkfifo', [path.join(fifo, 'report.json')]);
    await assert.rejects(readInterpretation(fifo), rejectsWithCode('REPORT_INVALID', /FIFO/));
    const garbage = await reportCopy('garbage', (report) => report);
    await fs.writeFile(path.join(garbage, 'report.json'), '{"kind": "interpretation",');
    await assert.rejects(readInterpretation(garbage), rejectsWithCode('REPORT_INVALID', /report\.json is not valid JSON .*Re-run "vebi interpret"/, path.join(garbage, 'report.json')));
    await assert.rejects(readInterpretation(path.join(scratch, 'nowhere')), rejectsWithCode('REPORT_NOT_FOUND', /No report\.json/));
  });

  test('parseJsonFile: one error naming the file, the problems and what to do', async () => {
    const file = path.join(scratch, 'index.json');
    await fs.writeFile(file, JSON.stringify({ key: '../../etc/passwd', storedAt: 5 }));
    await assert.rejects(
      parseJsonFile(file, CACHE_INDEX_SCHEMA, { what: 'The cache index', code: 'REPORT_INVALID', hint: 'Clear the cache.' }),
      rejectsWithCode('REPORT_INVALID', /^The cache index .* does not match its format: key: must be 64 lowercase .*; storedAt: .*Clear the cache\.$/, file),
    );
  });

  test('the cache index: a key that is not a hash finds nothing instead of a path', async () => {
    const cache = new ResultCache(cacheDir);
    await fs.writeFile(path.join(cacheDir, 'models', 'hostile.json'), JSON.stringify({ key: '../../../etc', storedAt: '' }));
    assert.equal(await cache.latestForModel('hostile'), undefined);
  });

  test('dataset.json: the flowers manifest is checked; another tool\'s dataset.json is ignored', async () => {
    assert.equal((await readFlowersManifest(folders.flowers))?.variant, 'single-6c');
    const foreign = path.join(scratch, 'foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(path.join(foreign, 'dataset.json'), JSON.stringify({ name: 'my masks', variant: 42 }));
    assert.equal(await readFlowersManifest(foreign), undefined);
    const ours = await readJson(path.join(folders.flowers, 'dataset.json'));
    await fs.writeFile(path.join(foreign, 'dataset.json'), JSON.stringify(setAt(ours, ['items', 0, 'image'], '../../etc/passwd')));
    await assert.rejects(readFlowersManifest(foreign), rejectsWithCode('REPORT_INVALID', /items\[0\]\.image: the path/, path.join(foreign, 'dataset.json')));
  });

  test('vebi.json that is a FIFO is refused at once, naming the file', async () => {
    const dir = path.join(scratch, 'sidecar-fifo');
    await fs.mkdir(dir);
    execFileSync('mkfifo', [path.join(dir, 'vebi.json')]);
    await assert.rejects(readPreprocessingSidecar(path.join(dir, 'model.json')), rejectsWithCode('NOT_A_REGULAR_FILE', /FIFO.*Fix or delete the file/, path.join(dir, 'vebi.json')));
  });
});

describe('the extension reader', () => {
  test('reads the real files with their schemas', async () => {
    assert.equal((await readResultFile(path.join(reportDir, 'report.json'), INTERPRET_REPORT_SCHEMA)).kind, 'interpretation');
    assert.equal((await readResultFile(summary('comparison')(), EVALUATION_SUMMARY_SCHEMAS.comparison)).kind, 'comparison');
  });

  test('parseResultText: REPORT_INVALID naming the file and what to do', () => {
    const file = '/storage/report.json';
    assert.throws(() => parseResultText(file, '{"kind": "interpretation"}', INTERPRET_REPORT_SCHEMA), rejectsWithCode('REPORT_INVALID', /^The result file \/storage\/report\.json does not match its format: schemaVersion: .*Clear Cached Results/, file));
    assert.throws(() => parseResultText(file, 'not json', INTERPRET_REPORT_SCHEMA), rejectsWithCode('REPORT_INVALID', /is not valid JSON/, file));
  });

  test('refuses a FIFO, a folder and a missing file without reading them', async () => {
    const fifo = path.join(scratch, 'result-fifo.json');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readResultFile(fifo, INTERPRET_REPORT_SCHEMA), rejectsWithCode('REPORT_INVALID', /is not a regular file/, fifo));
    await assert.rejects(readResultFile(scratch, INTERPRET_REPORT_SCHEMA), rejectsWithCode('REPORT_INVALID', /is not a regular file/, scratch));
    const missing = path.join(scratch, 'missing.json');
    await assert.rejects(readResultFile(missing, INTERPRET_REPORT_SCHEMA), rejectsWithCode('REPORT_INVALID', /cannot be read \(ENOENT\)/, missing));
    const big = path.join(scratch, 'big.json');
    await fs.writeFile(big, '');
    await fs.truncate(big, MAX_RESULT_FILE_BYTES + 1);
    await assert.rejects(readResultFile(big, INTERPRET_REPORT_SCHEMA), rejectsWithCode('REPORT_INVALID', /above the limit/, big));
  });
});
