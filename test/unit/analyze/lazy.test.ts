// The fast ways of reading a project give the same findings as the slow ones: every analyze fixture is
// audited with the import scan (only the files whose specifiers may load a module are parsed to find
// its callers) and without it (every file that names the module is parsed), with the barrel text check
// (a module of an `export *` barrel that never names an export is not parsed to look for it) and without,
// and the results compared; and with a memory budget of one character, so every syntax model is dropped
// between files (and parsed again when a walk needs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Estimate } from '../../../src/core/model';
import { ProjectIndex, ProjectIndexOptions, scanSpecifiers, textTest } from '../../../src/core/project';
import { mayExportName, resolveExport } from '../../../src/core/syntax/modules';
import { wholeModuleSpecifiers } from '../../../src/core/textScan';
import { fixtureProject, FIXTURES } from '../helpers';

const root = join(FIXTURES, 'analyze');
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, 'expected.json')));

const estimate = (): Estimate => ({ callsPerDay: 500, volume: { kind: 'default' }, inputTokens: 100, outputTokens: 100, monthlyStandard: 1, monthlyBatch: 0.5, monthlySavings: 0.5, assumptions: [] });

/** What a user sees of a result: every finding with its verdict, evidence and fix, and the errors (in a stable order). */
function seen(dir: string, options: ProjectIndexOptions): unknown {
  const result = new Analyzer(fixtureProject(dir), DEFAULT_OPTIONS, { estimate }, undefined, options).run();
  const findings = result.findings.map((f) => ({
    file: f.site.file,
    range: f.site.range,
    api: f.site.api,
    model: f.site.model,
    verdict: f.classification.verdict,
    evidence: f.classification.evidence,
    fix: f.fix,
    fixRefusal: f.fixRefusal,
  }));
  const errors = result.errors.map((e) => `${e.file}:${e.line ?? ''}:${e.message}`).sort();
  return { findings, errors };
}

for (const name of cases) {
  test(`same findings with and without the import scan and the barrel text check: ${name}`, () => {
    const dir = join(root, name);
    const fast = seen(dir, {});
    assert.deepEqual(fast, seen(dir, { importScan: false, barrelTextCheck: false }));
    assert.deepEqual(fast, seen(dir, { importScan: true, barrelTextCheck: false }));
    // Paths a cycle cut short and a memo kept may differ with the order models are made in (order.test.ts):
    // what the user acts on may not.
    const acted = (r: unknown) => (r as { findings: Record<string, unknown>[] }).findings.map(({ evidence: _evidence, ...rest }) => rest);
    assert.deepEqual(acted(fast), acted(seen(dir, { modelBudgetChars: 1 })));
  });
}

test('over its budget, the analysis drops the syntax models between files and says so each time; within it, never', () => {
  const texts: Record<string, string> = {
    'a.ts': `import OpenAI from 'openai';\nexport const openai = new OpenAI();\nexport async function one(x: string) {\n  return openai.embeddings.create({ model: 'text-embedding-3-small', input: x });\n}\n`,
    'b.ts': `import { openai } from './a';\nfor (const line of process.argv) await openai.embeddings.create({ model: 'text-embedding-3-small', input: line });\n`,
    'c.ts': `import { one } from './a';\nimport { openai } from './a';\nexport const two = () => openai.moderations.create({ input: 'c' });\n`,
  };
  const source = { files: Object.keys(texts), read: (p: string) => texts[p] };
  const drops = { tight: 0, roomy: 0 };
  const tight = new Analyzer(source, DEFAULT_OPTIONS, {}, undefined, { modelBudgetChars: 1, onModelsDropped: () => drops.tight++ });
  const roomy = new Analyzer(source, DEFAULT_OPTIONS, {}, undefined, { onModelsDropped: () => drops.roomy++ });
  const verdicts = (a: Analyzer) => a.run().findings.map((f) => `${f.site.file}:${f.site.loc.start.line} ${f.classification.verdict}`);
  assert.deepEqual(verdicts(tight), verdicts(roomy));
  assert.ok(drops.tight >= 2, `dropped ${drops.tight} times`);
  assert.equal(drops.roomy, 0);
});

const MENTIONS_QUEUE = textTest((text) => text.includes('queue'));

test('a text test made at load is answered by the import scan, which reads each file once, with the answer a pass of its own gives', () => {
  const texts: Record<string, string> = { 'a.ts': `const queue = 1;`, 'b.ts': `export const b = 2;`, 'c.ts': `import './a'; // queue` };
  const reads: string[] = [];
  const source = { files: Object.keys(texts), read: (p: string) => (reads.push(p), texts[p]) };
  const scanned = new ProjectIndex(source);
  assert.deepEqual(scanned.filesPassing(MENTIONS_QUEUE), ['a.ts', 'c.ts']);
  assert.deepEqual(reads.sort(), ['a.ts', 'b.ts', 'c.ts'], 'the scan reads each file once and the test reads none again');
  const unscanned = new ProjectIndex({ files: Object.keys(texts), read: (p) => texts[p] }, undefined, { importScan: false });
  assert.deepEqual(unscanned.filesPassing(MENTIONS_QUEUE), ['a.ts', 'c.ts']);
});

test('the import scan finds every module reference the parser finds, in every fixture file', () => {
  let checked = 0;
  for (const name of cases) {
    const project = new ProjectIndex(fixtureProject(join(root, name)));
    for (const file of project.files) {
      const model = project.get(file);
      if (!model) continue;
      const { specifiers, exact } = scanSpecifiers(model.text);
      if (!exact) continue;
      for (const ref of model.moduleRefs()) {
        assert.ok(specifiers.includes(ref.source), `${name}/${file}: the scan misses '${ref.source}' (has ${specifiers.join(', ')})`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500, `only ${checked} references checked`);
});

test('the import scan reads specifiers wherever the parser does, and a keyword in a string does not hide the next import', () => {
  const text = [
    `const s = "from"; import y from "./a";`,
    `import type { T } from './types'`,
    `import './side-effect';`,
    `export * from "./barrel";`,
    `export { x as z } from /* why */ './re';`,
    `import fs = require('./legacy');`,
    `const m = require ( // the model\n  './cjs');`,
    `const n = require<typeof import('./typed')>('./generic');`,
    `const lazy = await import(/* webpackChunkName: "x" */ './chunk');`,
    `const maybe = require?.('./optional');`,
    `const wrapped = require(('./parens'));`,
    `const nested = require<Array<Record<string, unknown>>>('./nested');`,
  ].join('\n');
  const { specifiers, exact } = scanSpecifiers(text);
  assert.equal(exact, true);
  for (const spec of ['./a', './types', './side-effect', './barrel', './re', './legacy', './cjs', './typed', './generic', './chunk', './optional', './parens', './nested']) {
    assert.ok(specifiers.includes(spec), `missing ${spec} in ${specifiers.join(', ')}`);
  }
});

test('a specifier with an escape makes the scan inexact, so the file stays a candidate importer of every module', () => {
  assert.equal(scanSpecifiers(`import a from './\\u0061';`).exact, false);
  const project = new ProjectIndex({
    files: ['a.ts', 'b.ts', 'c.ts', 'd.ts'],
    read: (p) => ({ 'a.ts': 'export const a = 1;', 'b.ts': `import { a } from './\\u0061';`, 'c.ts': `import { a } from './a';`, 'd.ts': 'export const d = 2;' })[p],
  });
  assert.deepEqual(project.importCandidates('a.ts'), ['b.ts', 'c.ts']);
  assert.deepEqual(project.importCandidates('d.ts'), ['b.ts']);
});

test('without the import scan there are no candidates to read: the call graph parses every file that names a module', () => {
  const project = new ProjectIndex({ files: ['a.ts'], read: () => 'export const a = 1;' }, undefined, { importScan: false });
  assert.equal(project.importCandidates('a.ts'), null);
});

test('the import scan resolves through tsconfig paths and workspace packages, as imports do', () => {
  const texts: Record<string, string> = {
    'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
    'packages/ai/package.json': JSON.stringify({ name: '@acme/ai', main: 'dist/index.js' }),
    'packages/ai/src/index.ts': 'export const summarize = () => 1;',
    'apps/web/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } }),
    'apps/web/src/lib/llm.ts': 'export const llm = 1;',
    'apps/web/src/route.ts': `import { llm } from '@/lib/llm';\nimport { summarize } from '@acme/ai';`,
    'apps/web/src/other.ts': `import { x } from 'react';`,
  };
  const project = new ProjectIndex({ files: Object.keys(texts).filter((f) => f.endsWith('.ts')), read: (p) => texts[p] });
  assert.deepEqual(project.importCandidates('apps/web/src/lib/llm.ts'), ['apps/web/src/route.ts']);
  assert.deepEqual(project.importCandidates('packages/ai/src/index.ts'), ['apps/web/src/route.ts']);
});

test('a barrel\'s modules that never name the export are not parsed to look for it, and the export is still found', () => {
  const texts: Record<string, string> = {
    'lib/index.ts': `export * from './auth';\nexport * from './dates';\nexport * from './ai';\nexport * from './more';`,
    'lib/auth.ts': `export const session = () => null;`,
    'lib/dates.ts': `export const today = () => new Date();`,
    'lib/more.ts': `export * from './nested';`,
    'lib/nested.ts': `export const other = 1;`,
    'lib/ai.ts': `import OpenAI from 'openai';\nexport const openai = new OpenAI();`,
    'job.ts': `import { openai } from './lib';\nexport async function run(items: string[]) {\n  for (const item of items) await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });\n}\n`,
  };
  const parsedWith = (barrelTextCheck: boolean) => {
    const read: string[] = [];
    const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {}, undefined, { barrelTextCheck });
    const project = analyzer.project;
    const get = project.get.bind(project);
    project.get = (file: string) => {
      read.push(file);
      return get(file);
    };
    const found = analyzer.run().findings.map((f) => `${f.site.file}:${f.site.loc.start.line}:${f.site.provider}`);
    return { found, parsed: new Set(read) };
  };
  const fast = parsedWith(true);
  const slow = parsedWith(false);
  assert.deepEqual(fast.found, ['job.ts:3:openai']);
  assert.deepEqual(slow.found, fast.found);
  for (const skipped of ['lib/auth.ts', 'lib/dates.ts']) {
    assert.equal(fast.parsed.has(skipped), false, `${skipped} was parsed`);
    assert.equal(slow.parsed.has(skipped), true, `${skipped} was not parsed without the check`);
  }
  // A module that re-exports wholesale may still hold the name: it is followed.
  assert.equal(fast.parsed.has('lib/more.ts') || fast.parsed.has('lib/ai.ts'), true);
});

test('a module may export a name when its text writes it or re-exports wholesale, never otherwise', () => {
  assert.equal(mayExportName(`export const openai = 1;`, 'openai'), true);
  assert.equal(mayExportName(`export * from './x';`, 'openai'), true);
  assert.equal(mayExportName(`module.exports = require('./x');`, 'openai'), true);
  assert.equal(mayExportName(`export = client;`, 'openai'), true);
  assert.equal(mayExportName(`export const today = () => new Date();`, 'openai'), false);
});

test('the modules a text loads whole are read off it; a form whose module the scan cannot read says so', () => {
  assert.deepEqual(wholeModuleSpecifiers(`import * as ai from './ai';\nexport * from "@prisma/client";\nexport * as dates from './dates';`), ['./ai', '@prisma/client', './dates']);
  assert.deepEqual(wholeModuleSpecifiers(`const fs = require('fs');\nimport x = require("./x");\nconst m = await import('./lazy');\nconst t = require<typeof T>('./typed');`), ['fs', './x', './lazy', './typed']);
  assert.deepEqual(wholeModuleSpecifiers(`import type * as T from './types';`), ['./types']);
  // Prose, and named imports, load nothing whole.
  assert.deepEqual(wholeModuleSpecifiers(`// these fields require a session\nimport { a } from './a';\nexport { b } from './b';`), []);
  assert.equal(wholeModuleSpecifiers(`const m = require(name);`), null);
  assert.equal(wholeModuleSpecifiers('const m = await import(`./${name}`);'), null);
  assert.equal(wholeModuleSpecifiers(`export * /* all of it */ from './x';`), null);
  assert.equal(wholeModuleSpecifiers(`const m = require('./a\\\\b');`), null);
});

/** The files an analysis parses, and what it finds, with the given options. */
function parsedBy(texts: Record<string, string>, options: ProjectIndexOptions = {}): { found: string[]; parsed: Set<string> } {
  const read: string[] = [];
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {}, undefined, options);
  const project = analyzer.project;
  const get = project.get.bind(project);
  project.get = (file: string) => {
    read.push(file);
    return get(file);
  };
  const found = analyzer.run().findings.map((f) => `${f.site.file}:${f.site.loc.start.line}:${f.classification.verdict}:${f.classification.evidence.map((e) => e.rule).join(',')}`);
  return { found, parsed: new Set(read) };
}

test('a walk to the callers parses no importer that loads other modules whole, and no test, and finds the same callers', () => {
  const texts: Record<string, string> = {
    'package.json': `{"name":"app","scripts":{"nightly":"tsx scripts/nightly.ts"}}`,
    'lib/index.ts': `export * from './ai';\nexport * from './db';`,
    'lib/ai.ts': `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function summarise(text: string) {\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });\n}\n`,
    'lib/db.ts': `export * from '@prisma/client';\nexport const db = {};`,
    'scripts/nightly.ts': `import { summarise } from '../lib';\nconst rows: string[] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\nfor (const row of rows) await summarise(row);\n`,
    // Importers of the barrel that never name the export: one loads other modules whole, one only names things.
    'lib/users.ts': `import { db } from './index';\nimport * as path from 'node:path';\nconst fs = require('fs');\nexport const users = () => [db, path, fs];`,
    'lib/teams.ts': `import { db } from '.';\nexport const teams = () => db;`,
    'lib/ai.test.ts': `import { summarise } from './index';\ntest('s', async () => summarise('x'));`,
  };
  const fast = parsedBy(texts);
  const slow = parsedBy(texts, { importScan: false, barrelTextCheck: false });
  assert.deepEqual(fast.found, ['lib/ai.ts:4:batchable:npm-script,loop-over-collection']);
  assert.deepEqual(slow.found, fast.found);
  for (const skipped of ['lib/users.ts', 'lib/teams.ts', 'lib/ai.test.ts']) assert.equal(fast.parsed.has(skipped), false, `${skipped} was parsed`);
  assert.equal(slow.parsed.has('lib/users.ts'), true, 'the slow way parses every importer');
});

test('an importer that loads the module whole through a form the scan cannot read is parsed, and its call followed', () => {
  const texts: Record<string, string> = {
    'package.json': `{"name":"app","scripts":{"nightly":"tsx scripts/nightly.ts"}}`,
    'lib/index.ts': `export * from './ai';`,
    'lib/ai.ts': `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function summarise(text: string) {\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });\n}\n`,
    'scripts/nightly.ts': `import * as lib from '../lib';\nconst rows: string[] = [];\nfor (const row of rows) await lib.summarise(row);\n`,
  };
  const fast = parsedBy(texts);
  assert.deepEqual(fast.found, parsedBy(texts, { importScan: false, barrelTextCheck: false }).found);
  assert.equal(fast.parsed.has('scripts/nightly.ts'), true);
  assert.match(fast.found[0], /^lib\/ai\.ts:4:batchable:/);
});

test('resolveExport reads a barrel\'s modules off their text when the lookup can (the project\'s lookup), and parses them all when it cannot', () => {
  const texts: Record<string, string> = {
    'lib/index.ts': `export * from './auth';\nexport * from './dates';\nexport * from './ai';`,
    'lib/auth.ts': `export const session = () => null;`,
    'lib/dates.ts': `export const today = () => new Date();`,
    'lib/ai.ts': `export function summarise(text: string) { return text; }`,
    'job.ts': `import { summarise } from './lib';`,
  };
  const project = new ProjectIndex({ files: Object.keys(texts).sort(), read: (p) => texts[p] });
  const parsed: string[] = [];
  const get = project.get.bind(project);
  project.get = (file: string) => {
    parsed.push(file);
    return get(file);
  };
  const barrel = project.get('lib/index.ts')!;
  parsed.length = 0;
  const found = resolveExport(project.moduleLookup, barrel, 'summarise');
  assert.equal(found?.kind === 'binding' && found.model.file, 'lib/ai.ts');
  assert.deepEqual(parsed, ['lib/ai.ts'], 'only the module that may export the name was parsed');
  parsed.length = 0;
  const plain = (from: string, spec: string) => project.module(from, spec);
  assert.equal(resolveExport(plain, barrel, 'summarise')?.kind, 'binding');
  assert.deepEqual(parsed.sort(), ['lib/ai.ts', 'lib/auth.ts', 'lib/dates.ts'], 'a lookup without mayExport tries every module');
});
