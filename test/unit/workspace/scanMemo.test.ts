// What the import scan learns of each file is kept between an editor session's analyses while the file
// is unchanged: a re-analysis after an edit reads and scans the edited file, not the workspace. These
// tests check that the kept answers are the ones a fresh scan gives, and that an edit, a tsconfig or a
// new importer is never answered from what was kept before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileScan, ProjectIndex, ScanMemo, textTest } from '../../../src/core/project';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

/** A memo as an owner keeps one: by file, with a resolution token the test replaces. */
function plainMemo() {
  const scans = new Map<string, FileScan>();
  const spelled = new Map<string, boolean>();
  const derived = new Map<string, { text: string; value: unknown }>();
  const memo = {
    token: {} as object,
    scans,
    get: (file: string) => scans.get(file),
    set: (file: string, scan: FileScan) => void scans.set(file, scan),
    spelled: (file: string, name: string) => spelled.get(`${file}\n${name}`),
    keepSpelled: (file: string, name: string, answer: boolean) => void spelled.set(`${file}\n${name}`, answer),
    resolution: () => memo.token,
    derived: (file: string, kind: string) => derived.get(`${file}\n${kind}`),
    keepDerived: (file: string, kind: string, text: string, value: unknown) => void derived.set(`${file}\n${kind}`, { text, value }),
  };
  return memo satisfies ScanMemo;
}

const MENTIONS_CRON = textTest((text) => text.includes('cron'));

test('a second analysis with the memo reads only the files it does not hold, and answers as a fresh scan does', () => {
  const texts: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } }),
    'src/llm.ts': `import OpenAI from 'openai'; export const ask = () => new OpenAI().chat.completions.create({});`,
    'src/job.ts': `import { ask } from '@/llm'; // cron`,
    'src/ui.ts': `import { ask } from './llm';`,
    'src/other.ts': `export const x = 1;`,
  };
  const files = Object.keys(texts).filter((f) => f.endsWith('.ts'));
  const memo = plainMemo();
  const reads: string[] = [];
  const source = { files, read: (p: string) => (reads.push(p), texts[p]) };
  const answers = (p: ProjectIndex) => ({
    importers: p.importCandidates('src/llm.ts'),
    cron: p.filesPassing(MENTIONS_CRON),
    mayHold: files.map((f) => p.mayHoldCalls(f)),
    spells: files.map((f) => p.spells(f, 'ask')),
  });
  const first = answers(new ProjectIndex(source, undefined, { prefilter: (t) => t.includes('openai'), scanMemo: memo }));
  assert.deepEqual(first.importers, ['src/job.ts', 'src/ui.ts']);
  // An edit to one file: its owner forgets it, and the next analysis reads that file and no other source.
  texts['src/ui.ts'] = `export const y = 2; // cron`;
  memo.scans.delete('src/ui.ts');
  reads.length = 0;
  const second = answers(new ProjectIndex(source, undefined, { prefilter: (t) => t.includes('openai'), scanMemo: memo }));
  assert.deepEqual(reads.filter((r) => r.endsWith('.ts')).sort(), ['src/ui.ts'], `read: ${reads.join(', ')}`);
  // What a fresh index, with no memo, gives for the same texts (the spells answers of the edited file are its own).
  const fresh = answers(new ProjectIndex({ files, read: (p) => texts[p] }, undefined, { prefilter: (t) => t.includes('openai') }));
  assert.deepEqual({ ...second, spells: second.spells.filter((_, i) => files[i] !== 'src/ui.ts') }, { ...fresh, spells: fresh.spells.filter((_, i) => files[i] !== 'src/ui.ts') });
  assert.deepEqual(second.importers, ['src/job.ts']);
  assert.deepEqual(second.cron, ['src/job.ts', 'src/ui.ts']);
});

test('resolved imports are kept only while the resolution token stands: a new tsconfig with a new token resolves again', () => {
  const texts: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } }),
    'src/llm.ts': 'export const ask = 1;',
    'lib/llm.ts': 'export const ask = 2;',
    'src/job.ts': `import { ask } from '@/llm';`,
  };
  const files = Object.keys(texts).filter((f) => f.endsWith('.ts'));
  const memo = plainMemo();
  const index = () => new ProjectIndex({ files, read: (p) => texts[p] }, undefined, { scanMemo: memo });
  assert.deepEqual(index().importCandidates('src/llm.ts'), ['src/job.ts']);
  texts['tsconfig.json'] = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['lib/*'] } } });
  memo.token = {};
  const again = index();
  assert.deepEqual(again.importCandidates('src/llm.ts'), []);
  assert.deepEqual(again.importCandidates('lib/llm.ts'), ['src/job.ts']);
});

test('fromText makes a value again only for a text it has not made it from', () => {
  const memo = plainMemo();
  let made = 0;
  const make = (t: string) => (made++, { length: t.length });
  const index = () => new ProjectIndex({ files: [], read: () => undefined }, undefined, { scanMemo: memo });
  assert.deepEqual(index().fromText('a.yml', 'yaml', 'on: push', make), { length: 8 });
  assert.deepEqual(index().fromText('a.yml', 'yaml', 'on: push', make), { length: 8 });
  assert.equal(made, 1);
  assert.deepEqual(index().fromText('a.yml', 'yaml', 'on: schedule', make), { length: 12 });
  assert.equal(made, 2);
});

/** A project on disk: an npm script runs a loop over a helper imported through a tsconfig alias. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'batchwise-scan-memo-'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'memo', private: true, scripts: { nightly: 'tsx scripts/nightly.ts' }, dependencies: { openai: '^5.0.0' } }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@ai/*': ['src/lib/*'] } } }),
    'src/lib/summarize.ts': [
      `import OpenAI from 'openai';`,
      `const openai = new OpenAI();`,
      `export async function summarize(text: string) {`,
      `  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });`,
      `  return r.choices[0].message.content;`,
      `}`,
    ].join('\n'),
    'scripts/nightly.ts': `import { summarize } from '@ai/summarize';\nconst docs = ['a', 'b'];\nfor (const d of docs) console.log(await summarize(d));\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const verdictOf = (s: WorkspaceSession) => s.analyzeFiles(['src/lib/summarize.ts']).findings.map((f) => f.classification.verdict);
const IMPORTS = `import { summarize } from '@ai/summarize';\nconst docs = ['a', 'b'];\nfor (const d of docs) console.log(await summarize(d));\n`;
const ALIAS_ELSEWHERE = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@ai/*': ['elsewhere/*'] } } });

// A kept scan that names too many importers costs a parse; one that names too few loses a caller. So
// each step below gains a caller the kept scan of the step before does not have.
test("a session's re-analysis finds a caller an edit adds, and one a tsconfig the editor changed makes reachable", () => {
  const root = project();
  writeFileSync(join(root, 'scripts/nightly.ts'), `export const nothing = 1;\n`);
  const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
  assert.deepEqual(verdictOf(session), ['unknown']);
  session.setOverlay('scripts/nightly.ts', IMPORTS);
  assert.deepEqual(verdictOf(session), ['batchable']);
  session.setOverlay('scripts/nightly.ts', undefined);
  assert.deepEqual(verdictOf(session), ['unknown']);
  session.setOverlay('scripts/nightly.ts', IMPORTS);
  session.setOverlay('tsconfig.json', ALIAS_ELSEWHERE);
  assert.deepEqual(verdictOf(session), ['unknown']);
  session.setOverlay('tsconfig.json', undefined);
  assert.deepEqual(verdictOf(session), ['batchable']);
});

test('a change on disk the session is told of, one file or everything, is read again', () => {
  const root = project();
  writeFileSync(join(root, 'scripts/nightly.ts'), `export const nothing = 1;\n`);
  const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
  assert.deepEqual(verdictOf(session), ['unknown']);
  writeFileSync(join(root, 'scripts/nightly.ts'), IMPORTS);
  session.invalidate('scripts/nightly.ts');
  assert.deepEqual(verdictOf(session), ['batchable']);
  writeFileSync(join(root, 'tsconfig.json'), ALIAS_ELSEWHERE);
  session.invalidate('tsconfig.json');
  assert.deepEqual(verdictOf(session), ['unknown']);
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@ai/*': ['src/lib/*'] } } }));
  session.invalidate();
  assert.deepEqual(verdictOf(session), ['batchable']);
});
