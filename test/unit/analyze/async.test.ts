// The editor's whole-workspace scan runs in slices (Analyzer.runAsync): same findings as the
// synchronous run, and between slices the thread is free, so progress shows and Cancel is honoured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { PIPELINE_STAGES } from '../../../src/workspace/stages';
import { WorkspaceSession } from '../../../src/workspace/session';
import { fixtureProject, REPO_ROOT } from '../helpers';

const EXAMPLES = join(REPO_ROOT, 'examples');
const analyzer = () => new Analyzer(fixtureProject(EXAMPLES), DEFAULT_OPTIONS, PIPELINE_STAGES);

test('the sliced run finds exactly what the synchronous run finds', async () => {
  const sync = analyzer().run();
  const progress: [number, number][] = [];
  const sliced = await analyzer().runAsync({ sliceMs: 0, onProgress: (done, total) => progress.push([done, total]) });
  assert.ok(sync.findings.length >= 5, 'the example workspace has several call sites');
  assert.deepEqual(sliced, sync);
  // With a zero slice it hands the thread back after every file holding a call, and says how far it is.
  const files = fixtureProject(EXAMPLES).files.length;
  assert.ok(progress.length >= 3, `progress was reported ${progress.length} times`);
  assert.ok(progress.every(([, total]) => total === files));
  assert.ok(progress.every(([done], i) => i === 0 || done > progress[i - 1][0]), 'progress only moves forward');
});

test('a cancel that arrives from the event loop stops the sliced run part-way', async () => {
  const full = analyzer().run().findings.length;
  let cancelled = false;
  // A timer cannot fire while a synchronous run holds the thread; it fires at the sliced run's first pause.
  setTimeout(() => (cancelled = true), 0);
  const sync = analyzer().run({ isCancelled: () => cancelled });
  assert.equal(sync.findings.length, full, 'the synchronous run never saw the cancel');
  cancelled = false;
  setTimeout(() => (cancelled = true), 0);
  const sliced = await analyzer().runAsync({ sliceMs: 0, isCancelled: () => cancelled });
  assert.ok(cancelled);
  assert.ok(sliced.findings.length < full, `cancelled run still found ${sliced.findings.length} of ${full}`);
});

test('the session scan in slices matches the synchronous scan, config problems included', async () => {
  const session = new WorkspaceSession(EXAMPLES, DEFAULT_OPTIONS);
  const sync = session.analyzeAll();
  session.invalidate();
  assert.deepEqual(await session.analyzeAllAsync(), sync);
});
