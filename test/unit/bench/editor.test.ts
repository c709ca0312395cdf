// The bench's editor figures: read from the lines the integration suite logs, which its runner keeps in
// test-output/editor-figures.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorFigures, figuresFromLines } from '../../../bench/editor';

const LINES = [
  '[batchwise figures] activation: 15 ms as the test sees it (ext.activate())',
  '[batchwise figures] activation on the extension host: bundle evaluated in 12.9 ms, activate() 0.7 ms',
  '[batchwise figures] first diagnostics (cold, file opened → its analysis applied): 4349 ms (the language server answered initialize after 565 ms)',
  '[batchwise figures] first diagnostics of another file (engine warm): 364 ms',
];
/** The lines of a run since diagnostics count from the editor having the document, and the host's longest delay is logged. */
const NOW = [
  ...LINES.slice(0, 3),
  '[batchwise figures] first diagnostics of another file (engine warm): 41 ms after the editor had the document (344 ms from the open request; the editor showed it after 577 ms)',
  '[batchwise figures] longest extension-host event-loop delay during the suite: 87.3 ms (99th percentile 21.0 ms; the suite\'s own code included)',
];

test("activation is the extension host's own account when it gives one, else what the test saw", () => {
  const all = figuresFromLines(LINES);
  assert.ok(Math.abs(all.activationMs! - 13.6) < 1e-9, String(all.activationMs));
  assert.equal(all.firstDiagnosticsMs, 364);
  assert.equal(figuresFromLines([LINES[0]]).activationMs, 15);
  assert.deepEqual(figuresFromLines(['unrelated']), { activationMs: null, firstDiagnosticsMs: null, longestBlockMs: null });
  assert.equal(all.longestBlockMs, null);
});

test("first diagnostics count from the editor having the document, not from the open request; the host's longest delay is read", () => {
  const now = figuresFromLines(NOW);
  assert.equal(now.firstDiagnosticsMs, 41);
  assert.equal(now.longestBlockMs, 87.3);
});

test('the kept file gives the figures, the raw parse of the warm file and where they came from; no file or a bad one gives none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'batchwise-editor-figures-'));
  const file = join(dir, 'editor-figures.json');
  assert.equal(await editorFigures(file), null);
  writeFileSync(file, '{ not json');
  assert.equal(await editorFigures(file), null);
  writeFileSync(file, JSON.stringify({ writtenAt: '2026-12-04T17:30:00.000Z', lines: LINES }));
  const e = await editorFigures(file);
  assert.ok(e);
  assert.equal(e.firstDiagnosticsMs, 364);
  assert.ok(e.rawParseMs !== null && e.rawParseMs > 0, String(e.rawParseMs));
  assert.match(e.source ?? '', /2026-12-04T17:30:00\.000Z/);
});
