// The audit cache by content hash: a warm audit of an unchanged tree gives what a fresh one gives; any
// change to what the analysis read (a source file, a package.json), to the file list, the options or
// the engine's build makes it analyse again; a cache file that is broken is ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { defaultCacheLocation, SETTLED_MS } from '../../../src/workspace/cache';
import { WorkspaceSession } from '../../../src/workspace/session';
import { FIXTURES } from '../helpers';

const analyzeRoot = join(FIXTURES, 'analyze');
const cases = readdirSync(analyzeRoot).filter((d) => existsSync(join(analyzeRoot, d, 'expected.json')));

function audit(root: string, location?: string, identity = 'test-build'): unknown {
  const session = new WorkspaceSession(root, DEFAULT_OPTIONS, location ? { cache: { location, identity } } : {});
  // Compared as a report sees it: through JSON.
  return JSON.parse(JSON.stringify(session.analyzeAll()));
}

test('every analyze fixture: the audit without a cache, the cold audit that writes it and the warm one that reads it agree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-cache-'));
  try {
    for (const name of cases) {
      const root = join(analyzeRoot, name);
      const location = join(dir, `${name}.json`);
      const fresh = audit(root);
      assert.deepEqual(audit(root, location), fresh, `${name}: cold`);
      assert.ok(existsSync(location), `${name}: no cache written`);
      assert.deepEqual(audit(root, location), fresh, `${name}: warm`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A copy of a fixture project to change, and a cache file for it. */
function workspace(): { root: string; location: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bw-cache-'));
  const root = join(dir, 'project');
  cpSync(join(analyzeRoot, 'ctx-caller-syntax-error'), root, { recursive: true });
  return { root, location: join(dir, 'cache', 'audit.json'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Marks the kept result so that an answer from the cache can be told from a fresh analysis. */
function markCache(location: string): void {
  const data = JSON.parse(readFileSync(location, 'utf8')) as { result: { findings: { fixRefusal: string | null }[] } };
  for (const f of data.result.findings) f.fixRefusal = 'from the cache';
  writeFileSync(location, JSON.stringify(data));
}

const fromCache = (result: unknown) => (result as { findings: { fixRefusal: string | null }[] }).findings.every((f) => f.fixRefusal === 'from the cache');

test('an unchanged tree is answered from the cache; a changed source file is analysed again', () => {
  const w = workspace();
  try {
    audit(w.root, w.location);
    markCache(w.location);
    assert.ok(fromCache(audit(w.root, w.location)), 'unchanged tree: not answered from the cache');
    const file = join(w.root, 'src/server.js');
    writeFileSync(file, readFileSync(file, 'utf8').replace('res.json({ ok: true }\n', 'res.json({ ok: true });\n'));
    const after = audit(w.root, w.location) as { findings: unknown[]; errors: unknown[] };
    assert.ok(!fromCache(after), 'a changed file was answered from the cache');
    assert.equal(after.errors.length, 0, 'the fixed syntax error is still reported');
  } finally {
    w.done();
  }
});

test('a changed package.json, a new file, other options or another engine build is analysed again', () => {
  const w = workspace();
  try {
    const check = (what: string, change: () => void, run: () => unknown = () => audit(w.root, w.location)) => {
      audit(w.root, w.location);
      markCache(w.location);
      change();
      assert.ok(!fromCache(run()), `${what}: answered from the cache`);
    };
    check('package.json', () => writeFileSync(join(w.root, 'package.json'), JSON.stringify({ name: 'tagger', type: 'module', scripts: {} })));
    check('a new file', () => writeFileSync(join(w.root, 'src/extra.js'), 'export const x = 1;\n'));
    check('a deleted file', () => unlinkSync(join(w.root, 'src/extra.js')));
    check('options', () => undefined, () => JSON.parse(JSON.stringify(new WorkspaceSession(w.root, { ...DEFAULT_OPTIONS, defaultCallsPerDay: 7 }, { cache: { location: w.location, identity: 'test-build' } }).analyzeAll())));
    check('engine build', () => undefined, () => audit(w.root, w.location, 'another-build'));
  } finally {
    w.done();
  }
});

/** Sets every file of a tree to have been written an hour ago. */
function settle(dir: string): void {
  const then = new Date(Date.now() - 3_600_000);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), then, then);
  }
}

/** Rewrites a file with other text of the same length, then gives it back its size and modification time. */
function swapKeepingStamp(file: string): void {
  const before = statSync(file);
  const text = readFileSync(file, 'utf8');
  const other = text.replace('res.json', 'res.JSON');
  assert.notEqual(other, text);
  writeFileSync(file, other);
  utimesSync(file, before.atime, before.mtime);
  assert.equal(statSync(file).mtimeMs, before.mtimeMs);
}

test('a file that had settled when it was read is vouched for by its size and time: a warm audit does not read it again', () => {
  const w = workspace();
  try {
    settle(w.root);
    audit(w.root, w.location);
    markCache(w.location);
    // Other text behind the same stamp: only a read would see it, and the warm audit answers from the cache.
    swapKeepingStamp(join(w.root, 'src/server.js'));
    assert.ok(fromCache(audit(w.root, w.location)), 'a settled file was read again');
    // An ordinary edit moves the time: analysed again.
    writeFileSync(join(w.root, 'src/server.js'), readFileSync(join(w.root, 'src/server.js'), 'utf8') + '\n');
    assert.ok(!fromCache(audit(w.root, w.location)), 'an edited file was answered from the cache');
  } finally {
    w.done();
  }
});

test(`a file written less than ${SETTLED_MS} ms before it was read is compared by content, even behind the same stamp`, () => {
  const w = workspace();
  try {
    settle(w.root);
    const file = join(w.root, 'src/server.js');
    // Written just now (as an editor's save a moment before the audit): its stamp vouches for nothing.
    const now = new Date();
    utimesSync(file, now, now);
    audit(w.root, w.location);
    markCache(w.location);
    swapKeepingStamp(file);
    assert.ok(!fromCache(audit(w.root, w.location)), 'a racy write was answered from the cache');
  } finally {
    w.done();
  }
});

test('a broken cache file is ignored and replaced', () => {
  const w = workspace();
  try {
    const fresh = audit(w.root);
    audit(w.root, w.location);
    writeFileSync(w.location, '{ "format": 1, "key": ');
    assert.deepEqual(audit(w.root, w.location), fresh);
    assert.doesNotThrow(() => JSON.parse(readFileSync(w.location, 'utf8')), 'the broken file was not replaced');
  } finally {
    w.done();
  }
});

test('the default cache file lives in the user cache folder, one per root, never inside the audited tree', () => {
  const a = defaultCacheLocation('/work/a', { XDG_CACHE_HOME: '/tmp/xdg' });
  const b = defaultCacheLocation('/work/b', { XDG_CACHE_HOME: '/tmp/xdg' });
  assert.ok(a.startsWith('/tmp/xdg/batchwise/') && b.startsWith('/tmp/xdg/batchwise/'));
  assert.notEqual(a, b);
});

test('an analysis that reads a file naming an SDK says so (the CLI then starts its token worker); an audit the cache answers reads none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-cache-start-'));
  try {
    const root = join(analyzeRoot, cases[0]);
    const location = join(dir, 'cache.json');
    const starts: string[] = [];
    const run = (label: string) => new WorkspaceSession(root, DEFAULT_OPTIONS, { cache: { location, identity: 'test-build' }, onSdkMention: () => starts.push(label) }).analyzeAll();
    const cold = run('cold');
    const warm = run('warm');
    assert.deepEqual(starts, ['cold']);
    assert.deepEqual(JSON.parse(JSON.stringify(warm)), JSON.parse(JSON.stringify(cold)));
    // Without a cache every audit analyses.
    new WorkspaceSession(root, DEFAULT_OPTIONS, { onSdkMention: () => starts.push('uncached') }).analyzeAll();
    assert.deepEqual(starts, ['cold', 'uncached']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
