import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listSourceFiles, readSourceFile } from '../../../src/workspace/scan';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'bw-scan-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const CALL = "import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const f = () => c.chat.completions.create({ model: 'gpt-4o', messages: [] });\n";

test('lists JS/TS sources, skipping node_modules, build output, .gitignore matches, declaration files and secrets', () => {
  const root = tree({
    'src/a.ts': CALL,
    'src/b.jsx': 'export {}',
    'src/types.d.ts': 'export {}',
    'node_modules/openai/index.js': CALL,
    'dist/a.js': CALL,
    'generated/x.ts': CALL,
    '.gitignore': 'generated/\n',
    '.env': 'OPENAI_API_KEY=sk-secret',
    'README.md': '# hi',
  });
  try {
    assert.deepEqual(listSourceFiles(root), ['src/a.ts', 'src/b.jsx']);
    assert.deepEqual(listSourceFiles(root, ['src/b.jsx']), ['src/a.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('binary, oversized and non-UTF-8 files are reported or decoded, never thrown', () => {
  const root = tree({
    'bin.js': Buffer.from([0x63, 0x6f, 0x00, 0x01, 0x02]),
    'latin.js': Buffer.from('const s = "caf\xe9";\n', 'latin1'),
    'utf16.js': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('const x = 1;\n', 'utf16le')]),
    'big.js': 'x'.repeat(16_100_000),
  });
  try {
    const bin = readSourceFile(join(root, 'bin.js'));
    assert.equal(bin.ok, false);
    assert.match(!bin.ok ? bin.message : '', /binary/);
    const latin = readSourceFile(join(root, 'latin.js'));
    assert.ok(latin.ok && latin.text.includes('café'));
    const utf16 = readSourceFile(join(root, 'utf16.js'));
    assert.ok(utf16.ok && utf16.text.includes('const x = 1;'));
    const big = readSourceFile(join(root, 'big.js'));
    assert.equal(big.ok, false);
    assert.match(!big.ok ? big.message : '', /too large/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a session reports unreadable and unparseable files and still analyses the rest', () => {
  const root = tree({
    'ok.ts': CALL,
    'broken.ts': 'import OpenAI from "openai";\nconst = ;\n',
    'bin.js': Buffer.from([0x6f, 0x70, 0x65, 0x6e, 0x61, 0x69, 0x00]),
    'min.js': `import OpenAI from "openai";${'var a=1;'.repeat(5000)}`,
  });
  try {
    const result = new WorkspaceSession(root, DEFAULT_OPTIONS).analyzeAll();
    assert.deepEqual(result.findings.map((f) => `${f.site.file}:${f.site.loc.start.line}`), ['ok.ts:3']);
    const errors = Object.fromEntries(result.errors.map((e) => [e.file, e.message]));
    assert.match(errors['broken.ts'], /syntax error/);
    assert.match(errors['bin.js'], /binary/);
    assert.match(errors['min.js'], /minified/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an editor overlay replaces the file on disk for analysis', () => {
  const root = tree({ 'a.ts': CALL });
  try {
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
    assert.equal(session.analyzeFiles(['a.ts']).findings.length, 1);
    session.setOverlay('a.ts', 'export const nothing = 1;\n');
    assert.equal(session.analyzeFiles(['a.ts']).findings.length, 0);
    session.setOverlay('a.ts', undefined);
    assert.equal(session.analyzeFiles(['a.ts']).findings.length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a second analysis re-parses only the file whose text changed', () => {
  const root = tree({ 'a.ts': CALL, 'b.ts': CALL.replace('gpt-4o', 'gpt-4.1') });
  try {
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
    const cache = (session as unknown as { parseCache: Map<string, { entry: unknown }> }).parseCache;
    session.analyzeAll();
    const before = { a: cache.get('a.ts')!.entry, b: cache.get('b.ts')!.entry };
    session.setOverlay('a.ts', CALL.replace('gpt-4o', 'o3'));
    const second = session.analyzeAll();
    assert.deepEqual(second.findings.map((f) => f.site.model), ['o3', 'gpt-4.1']);
    assert.notEqual(cache.get('a.ts')!.entry, before.a, 'a.ts was edited and must be parsed again');
    assert.equal(cache.get('b.ts')!.entry, before.b, 'b.ts did not change and must not be parsed again');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('invalidation: a changed file is read again; a created file joins the list only when the list is said to have changed', () => {
  const root = tree({ 'a.ts': CALL });
  try {
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
    assert.equal(session.analyzeAll().findings.length, 1);
    writeFileSync(join(root, 'a.ts'), CALL.replace('gpt-4o', 'o3'));
    session.invalidate('a.ts');
    assert.deepEqual(session.analyzeAll().findings.map((f) => f.site.model), ['o3']);
    writeFileSync(join(root, 'b.ts'), CALL);
    session.invalidate('b.ts');
    assert.equal(session.analyzeAll().findings.length, 1, 'a plain change does not re-list the folder');
    session.invalidate('b.ts', true);
    assert.equal(session.analyzeAll().findings.length, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a full refresh reads every file again but re-parses only those whose text changed, and forgets deleted files', () => {
  const root = tree({ 'a.ts': CALL, 'b.ts': CALL.replace('gpt-4o', 'gpt-4.1'), 'c.ts': CALL });
  try {
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
    const cache = (session as unknown as { parseCache: Map<string, { entry: unknown }> }).parseCache;
    session.analyzeAll();
    const before = { a: cache.get('a.ts')!.entry, b: cache.get('b.ts')!.entry };
    writeFileSync(join(root, 'a.ts'), CALL.replace('gpt-4o', 'o3'));
    rmSync(join(root, 'c.ts'));
    session.invalidate();
    assert.deepEqual(session.analyzeAll().findings.map((f) => f.site.model), ['o3', 'gpt-4.1']);
    assert.notEqual(cache.get('a.ts')!.entry, before.a, 'a.ts changed on disk and must be parsed again');
    assert.equal(cache.get('b.ts')!.entry, before.b, 'b.ts did not change and keeps its parse');
    assert.equal(cache.has('c.ts'), false, 'a deleted file leaves nothing behind');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an edit rebuilds the call-graph indexes of the edited file only', () => {
  const root = tree({
    'package.json': JSON.stringify({ scripts: { nightly: 'tsx scripts/nightly.ts' } }),
    'src/lib.ts': "import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function summarize(t: string) {\n  return c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: t }] });\n}\n",
    'scripts/nightly.ts': "import { summarize } from '../src/lib';\nexport async function main(rows: string[]) {\n  for (const r of rows) await summarize(r);\n}\nmain([]);\n",
    'scripts/other.ts': "import { summarize } from '../src/lib';\nexport const once = () => summarize('hello');\n",
  });
  try {
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
    type Entry = { entry: { identifierIndex?: Map<string, unknown> | null } | null };
    const cache = (session as unknown as { parseCache: Map<string, Entry> }).parseCache;
    const indexOf = (rel: string) => cache.get(rel)?.entry?.identifierIndex;
    assert.equal(session.analyzeAll().findings.length, 1);
    const before = { nightly: indexOf('scripts/nightly.ts'), other: indexOf('scripts/other.ts') };
    assert.ok(before.nightly && before.other, 'the walk to the callers indexed both importers');
    session.setOverlay('scripts/other.ts', "import { summarize } from '../src/lib';\nexport const twice = () => summarize('hi');\n");
    session.analyzeAll();
    assert.equal(indexOf('scripts/nightly.ts'), before.nightly, 'an unchanged file keeps its index');
    assert.ok(indexOf('scripts/other.ts') && indexOf('scripts/other.ts') !== before.other, 'the edited file is indexed again');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('NUL characters in the strings of a source file further on do not make it binary; at its start they do (git\'s rule)', () => {
  // Distilled from a real tree (langfuse): a script writes "\0RESULT\0" markers with raw NULs in its string literals.
  const source = `${'// a long header comment\n'.repeat(400)}import OpenAI from 'openai';\nconst openai = new OpenAI();\nprocess.stdout.write("\u0000RESULT\u0000" + "x");\nfor (const line of process.argv) await openai.embeddings.create({ model: 'text-embedding-3-small', input: line });\n`;
  const root = tree({ 'late.ts': source, 'early.js': Buffer.from([0x2f, 0x2f, 0x00, 0x61, 0x0a]) });
  try {
    const late = readSourceFile(join(root, 'late.ts'));
    assert.ok(late.ok && late.text.includes('\u0000RESULT\u0000'));
    const early = readSourceFile(join(root, 'early.js'));
    assert.equal(early.ok, false);
    const result = new WorkspaceSession(root, DEFAULT_OPTIONS).analyzeAll();
    assert.deepEqual(result.findings.map((f) => `${f.site.file}:${f.site.loc.start.line}`), ['late.ts:404']);
    assert.deepEqual(result.errors.map((e) => e.file), ['early.js']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
