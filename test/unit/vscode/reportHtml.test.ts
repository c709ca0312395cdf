import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportHtml } from '../../../src/vscode/report/html';
import { isFromWebview } from '../../../src/vscode/report/protocol';
import { REPO_ROOT } from '../helpers';

const input = { cspSource: 'https://webview.example', nonce: 'abc123==', scriptUri: 'https://webview.example/media/report.js', styleUri: 'https://webview.example/media/report.css' };

test('the report page has a strict CSP: nothing by default, scripts only by nonce, assets only from the webview source', () => {
  const html = renderReportHtml(input);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /script-src 'nonce-abc123=='/);
  assert.match(csp, /style-src https:\/\/webview\.example/);
  assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /nonce="abc123=="/);
  assert.match(scripts[0], /src="https:\/\/webview\.example\/media\/report\.js"/);
  assert.ok(!/<style>|style="/.test(html), 'no inline styles');
  assert.ok(!/https?:\/\/(?!webview\.example)/.test(html), 'no remote URLs');
});

test('attribute values are escaped', () => {
  const html = renderReportHtml({ ...input, nonce: 'x"><script>alert(1)</script>' });
  assert.ok(!html.includes('"><script>alert(1)'));
});

test('the webview script writes workspace strings with textContent only and loads nothing remote', () => {
  const script = readFileSync(join(REPO_ROOT, 'media', 'report.js'), 'utf8');
  assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/.test(script));
  // The SVG namespace is a name, not a location; nothing else may look like a URL.
  assert.ok(!/https?:\/\//.test(script.replace("'http://www.w3.org/2000/svg'", '')));
});

test('messages from the webview are checked before use', () => {
  assert.equal(isFromWebview({ type: 'reveal', folder: 'x', file: 'a.ts', line: 3, column: 1 }), true);
  assert.equal(isFromWebview({ type: 'reveal', file: 'a.ts', line: '3' }), false);
  assert.equal(isFromWebview({ type: 'run', command: 'rm -rf' }), false);
  assert.equal(isFromWebview(null), false);
});
