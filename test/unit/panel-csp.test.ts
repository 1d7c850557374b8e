/**
 * The panel's Content-Security-Policy, read back from the generated HTML (the <meta> tag the
 * webview obeys, not the helper's return value) and pinned directive by directive: nothing may be
 * widened (a `*`, another origin, 'unsafe-inline') without this test saying so.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildPanelHtml, makeNonce } from '../../src/extension/panel/panel-html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function unescapeAttribute(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The CSP <meta> tags of the HTML, each as directive -> sources. */
function cspOf(html: string): Map<string, string[]>[] {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*>/gi)];
  return metas.map((m) => {
    const directives = new Map<string, string[]>();
    for (const part of unescapeAttribute(m[1]).split(';')) {
      const [name, ...sources] = part.trim().split(/\s+/);
      if (!name) continue;
      assert.ok(!directives.has(name), `directive ${name} given twice`);
      directives.set(name, sources);
    }
    return directives;
  });
}

test('panel CSP: every directive pinned (default none, images/styles/fonts only from the webview, scripts only by nonce)', () => {
  const nonce = makeNonce();
  const html = buildPanelHtml({ cspSource: CSP_SOURCE, scriptUri: `${CSP_SOURCE}/dist/webview.js`, styleUri: `${CSP_SOURCE}/media/panel.css`, nonce, title: 'VEBI: model' });
  const policies = cspOf(html);
  assert.equal(policies.length, 1, 'exactly one CSP meta tag');
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'), 'the CSP comes before the stylesheet and the script');
  assert.deepEqual(
    Object.fromEntries(policies[0]),
    {
      'default-src': ["'none'"],
      // data: as well (vscode-elements' styles embed data: images); nothing else.
      'img-src': [CSP_SOURCE, 'data:'],
      'style-src': [CSP_SOURCE],
      'font-src': [CSP_SOURCE],
      'script-src': [`'nonce-${nonce}'`],
    },
  );
});

test('panel CSP: follows the cspSource and nonce it is given, and each load gets its own nonce', () => {
  const other = 'vscode-webview://abc123';
  const a = buildPanelHtml({ cspSource: other, scriptUri: 's.js', styleUri: 's.css', title: 't' });
  const b = buildPanelHtml({ cspSource: other, scriptUri: 's.js', styleUri: 's.css', title: 't' });
  const [pa] = cspOf(a);
  const [pb] = cspOf(b);
  assert.deepEqual(pa.get('img-src'), [other, 'data:']);
  assert.deepEqual(pa.get('style-src'), [other]);
  assert.deepEqual(pa.get('font-src'), [other]);
  const nonceOf = (policy: Map<string, string[]>) => /^'nonce-([A-Za-z0-9]+)'$/.exec(policy.get('script-src')?.[0] ?? '')?.[1];
  const na = nonceOf(pa);
  assert.ok(na && na.length >= 16, 'a nonce of 16 or more characters');
  assert.notEqual(na, nonceOf(pb), 'a fresh nonce per load');
  // The one script carries that nonce; no other script, no inline handler.
  const scripts = [...a.matchAll(/<script\b([^>]*)>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], new RegExp(`nonce="${na}"`));
  assert.doesNotMatch(a, /\son[a-z]+\s*=/i, 'no inline event handlers');
});

test('panel HTML: a title or resource URI cannot break out of its attribute or element (& " < > escaped)', () => {
  const hostile = 'a&b"c<d>e';
  const html = buildPanelHtml({ cspSource: CSP_SOURCE, scriptUri: `${CSP_SOURCE}/w.js?${hostile}`, styleUri: `${CSP_SOURCE}/p.css?${hostile}`, nonce: 'n0nce', title: `model ${hostile}` });
  const escaped = 'a&amp;b&quot;c&lt;d&gt;e';
  assert.ok(html.includes(`<title>model ${escaped}</title>`), 'title escaped');
  assert.ok(html.includes(`href="${CSP_SOURCE}/p.css?${escaped}"`), 'stylesheet URI escaped');
  assert.ok(html.includes(`src="${CSP_SOURCE}/w.js?${escaped}"`), 'script URI escaped');
  assert.ok(!html.includes(hostile), 'no raw hostile text left');
});
