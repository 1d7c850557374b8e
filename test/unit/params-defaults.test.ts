/**
 * The documented default parameters (docs/cli.md "The command line" and docs/method.md "The method
 * as implemented", moved there from the README; method.md sections 2-4) pinned to their values, and
 * the places that repeat them (the CLI's usage text, docs/cli.md's copy of it, the extension's
 * settings in package.json) checked against the constants, so that a changed default shows here
 * instead of silently changing every explanation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { USAGE } from '../../src/cli/usage';
import { DEFAULT_EXPLAIN_PARAMS, DEFAULT_INTERPRET_PARAMS } from '../../src/shared/params';
import { EXPLAIN_PARAMS_SCHEMA, INTERPRET_PARAMS_SCHEMA } from '../../src/shared/schemas/params';

const root = path.resolve(__dirname, '..', '..');
const cliDoc = readFileSync(path.join(root, 'docs', 'cli.md'), 'utf8');
const methodDoc = readFileSync(path.join(root, 'docs', 'method.md'), 'utf8');

/** The number in "(default N)" on the usage line of `option` in a help text. */
function documentedDefault(text: string, option: string): string {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${option} `));
  assert.ok(line, `no line for ${option}`);
  const match = /\(default ([^)]+)\)/.exec(line);
  assert.ok(match, `no "(default ...)" on the line of ${option}: ${line}`);
  return match[1];
}

describe('documented defaults', () => {
  it('interpretation: mu = 10, top-k = 16 images, ground-truth labels, batches of 64, unit preprocessing, L2 on, every feature layer', () => {
    assert.deepEqual(DEFAULT_INTERPRET_PARAMS, {
      mu: 10,
      topK: 16,
      labels: 'gt',
      batchSize: 64,
      preprocessing: { kind: 'unit' },
      l2Normalize: true,
    });
    assert.equal('layers' in DEFAULT_INTERPRET_PARAMS, false, 'no layer restriction by default');
    INTERPRET_PARAMS_SCHEMA.parse(DEFAULT_INTERPRET_PARAMS);
  });

  it('explanation: the top p = 3 features, the strided-convolution fix on, VEBI (no baseline method)', () => {
    assert.deepEqual(DEFAULT_EXPLAIN_PARAMS, { topFeatures: 3, stridedFix: true });
    assert.equal('method' in DEFAULT_EXPLAIN_PARAMS, false);
    EXPLAIN_PARAMS_SCHEMA.parse(DEFAULT_EXPLAIN_PARAMS);
  });

  for (const [name, text] of [
    ['CLI usage', USAGE],
    ['docs/cli.md', cliDoc],
  ] as const) {
    it(`the ${name} states the same defaults as the constants`, () => {
      assert.equal(documentedDefault(text, '--mu N'), String(DEFAULT_INTERPRET_PARAMS.mu));
      assert.equal(documentedDefault(text, '--top-k N'), String(DEFAULT_INTERPRET_PARAMS.topK));
      assert.equal(documentedDefault(text, '--labels gt|predicted'), DEFAULT_INTERPRET_PARAMS.labels);
      assert.equal(documentedDefault(text, '--batch-size N'), String(DEFAULT_INTERPRET_PARAMS.batchSize));
      assert.equal(documentedDefault(text, '--features N'), String(DEFAULT_EXPLAIN_PARAMS.topFeatures));
      // On by default, hence documented as the flags that turn them off.
      assert.match(text, /--no-l2 /);
      assert.match(text, /--no-strided-fix /);
      assert.match(text, /else unit = x\/255/);
    });
  }

  it("docs/method.md's method section: mu = 10, k = 16, the top 3", () => {
    assert.match(methodDoc, /`mu = 10` by default/);
    assert.match(methodDoc, /top-k images \(k = 16\)/);
    assert.match(methodDoc, /keep the top 3 with score > 0/);
  });

  it("the extension's settings (package.json) default to the same values", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    const settings = pkg.contributes.configuration.properties;
    assert.equal(settings['vebi.mu'].default, DEFAULT_INTERPRET_PARAMS.mu);
    assert.equal(settings['vebi.topK'].default, DEFAULT_INTERPRET_PARAMS.topK);
    assert.equal(settings['vebi.labels'].default, DEFAULT_INTERPRET_PARAMS.labels);
    assert.equal(settings['vebi.batchSize'].default, DEFAULT_INTERPRET_PARAMS.batchSize);
    // Empty: vebi.json next to the model, else unit; no layer restriction.
    assert.equal(settings['vebi.preprocessing'].default, '');
    assert.deepEqual(settings['vebi.layers'].default, []);
  });
});
