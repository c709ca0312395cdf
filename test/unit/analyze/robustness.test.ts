// Never lose an audit: chains longer than the stack, callers that fan in by the hundred, and a
// failure inside one file or one call cost that file or call, reported as an error with a true
// message, and every other finding is still reported. The projects are generated here: their size
// is the point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { Walker } from '../../../src/core/classify/walker';
import { DEFAULT_OPTIONS, ProjectSource } from '../../../src/core/model';
import { fixableStrategy } from '../../../src/core/rewrite';

function project(files: Record<string, string>): ProjectSource {
  const sources = Object.keys(files).filter((f) => /\.[cm]?[jt]sx?$/.test(f));
  return { files: sources, read: (p) => files[p] };
}

const CALL = "chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Tag: ${row}` }] })";

/** `const c2 = c1; … const cN = cN-1;` then a call on cN, once per row of a file an npm script reads. */
function aliasChain(length: number): Record<string, string> {
  const lines = ["import OpenAI from 'openai';", "import { readFileSync } from 'node:fs';", 'const c1 = new OpenAI();'];
  for (let i = 2; i <= length; i++) lines.push(`const c${i} = c${i - 1};`);
  lines.push("for (const row of readFileSync('rows.txt', 'utf8').split('\\n')) {", `  await c${length}.${CALL};`, '}', 'export {};');
  return { 'tag.ts': lines.join('\n') + '\n', 'package.json': JSON.stringify({ scripts: { tag: 'tsx tag.ts' } }) };
}

for (const length of [2_000, 20_000]) {
  test(`a chain of ${length.toLocaleString('en')} aliases is followed to the client, without running out of stack`, () => {
    const files = aliasChain(length);
    const result = new Analyzer(project(files), DEFAULT_OPTIONS, { fixCheck: fixableStrategy }).run();
    assert.deepEqual(result.errors, []);
    assert.equal(result.findings.length, 1);
    const [finding] = result.findings;
    assert.equal(finding.site.provider, 'openai');
    assert.equal(finding.site.loc.start.line, length + 4);
    assert.equal(finding.site.model, 'gpt-4o-mini');
    assert.equal(finding.classification.verdict, 'batchable');
  });
}

test('a chain of 1,500 modules, each re-exporting the client it imports, is followed without running out of stack', () => {
  const n = 1_500;
  const files: Record<string, string> = { 'm1.ts': "import OpenAI from 'openai';\nexport const client = new OpenAI();\n" };
  for (let i = 2; i <= n; i++) files[`m${i}.ts`] = `import { client } from './m${i - 1}';\nexport { client };\n`;
  files['main.ts'] = `import { client } from './m${n}';\nexport async function tag(row: string) {\n  return client.${CALL};\n}\n`;
  const result = new Analyzer(project(files), DEFAULT_OPTIONS).run({ onlyFiles: ['main.ts'] });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.findings.map((f) => `${f.site.file}:${f.site.loc.start.line} ${f.site.provider}`), ['main.ts:3 openai']);
});

/**
 * The call sits in `ask`, which `mid` calls; `fan` calls `mid` in each of `width` statements, and
 * `width` npm scripts each call `fan`. Before the walk kept its paths within bounds, the paths to
 * `mid` (width × width of them, each script reached once through each call) were spread into one
 * push() and the audit died with "Maximum call stack size exceeded".
 */
function fanIn(width: number): Record<string, string> {
  const files: Record<string, string> = {
    'lib/ask.ts': `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function ask(row: string) {\n  return openai.${CALL};\n}\n`,
    'lib/mid.ts': "import { ask } from './ask';\nexport async function mid(row: string) {\n  return ask(row);\n}\n",
  };
  const calls: string[] = [];
  for (let i = 0; i < width; i++) calls.push(`  await mid(rows[${i}]);`);
  files['lib/fan.ts'] = `import { mid } from './mid';\nexport async function fan(rows: string[]) {\n${calls.join('\n')}\n}\n`;
  const scripts: Record<string, string> = {};
  for (let i = 0; i < width; i++) {
    files[`scripts/s${i}.ts`] = "import { readFileSync } from 'node:fs';\nimport { fan } from '../lib/fan';\nfan(readFileSync('rows.txt', 'utf8').split('\\n'));\n";
    scripts[`s${i}`] = `tsx scripts/s${i}.ts`;
  }
  files['package.json'] = JSON.stringify({ scripts });
  return files;
}

test('a caller reached through 400 calls from 400 scripts: a verdict, the paths kept within bounds, and the rest counted', () => {
  const width = 400;
  const result = new Analyzer(project(fanIn(width)), DEFAULT_OPTIONS).run({ onlyFiles: ['lib/ask.ts'] });
  assert.deepEqual(result.errors, []);
  assert.equal(result.findings.length, 1);
  const { classification } = result.findings[0];
  assert.equal(classification.verdict, 'batchable');
  const reached = classification.evidence.filter((e) => e.rule === 'npm-script');
  assert.ok(reached.length > 0 && reached.length < width, `${reached.length} paths listed`);
  const more = classification.evidence.find((e) => e.rule === 'call-chain' && /more paths? from entry points/.test(e.message));
  assert.ok(more, 'the evidence says how many paths it left out');
  assert.equal(Number(/and (\d+) more/.exec(more.message)![1]) + reached.length, width, 'every script is listed or counted, once');
});

test('a failure in one call\'s classification is an error for that call; the call is still reported, and so is every other', () => {
  const files = {
    'a.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function one(row: string) {\n  return c.${CALL};\n}\n`,
    'b.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function two(row: string) {\n  return c.${CALL};\n}\n`,
  };
  const walk = Walker.prototype.walkFrom;
  // A walk that runs out of stack on b.ts's call, as a pathological caller chain would.
  Walker.prototype.walkFrom = function (this: Walker, file, node, depth, visiting) {
    if (file === 'b.ts' && depth === 0) throw new RangeError('Maximum call stack size exceeded');
    return walk.call(this, file, node, depth, visiting);
  };
  try {
    const result = new Analyzer(project(files), DEFAULT_OPTIONS).run();
    assert.deepEqual(result.findings.map((f) => `${f.site.file} ${f.classification.verdict}`), ['a.ts unknown', 'b.ts unknown']);
    assert.equal(result.errors.length, 1);
    assert.deepEqual({ file: result.errors[0].file, line: result.errors[0].line }, { file: 'b.ts', line: 4 });
    assert.match(result.errors[0].message, /too deeply nested to analyse/);
    assert.doesNotMatch(result.errors[0].message, /syntax error/);
    const evidence = result.findings[1].classification.evidence;
    assert.ok(evidence.some((e) => e.rule === 'no-entry-point' && /could not follow the callers/.test(e.message)), JSON.stringify(evidence));
  } finally {
    Walker.prototype.walkFrom = walk;
  }
});

test('a failure in one file\'s analysis is an error for that file; the other files are reported', () => {
  const files = {
    'a.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function one(row: string) {\n  return c.${CALL};\n}\n`,
    'b.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function two(row: string) {\n  return c.${CALL};\n}\n`,
  };
  const analyzer = new Analyzer(project(files), DEFAULT_OPTIONS);
  const detect = analyzer.detect.bind(analyzer);
  analyzer.detect = (file) => {
    if (file === 'a.ts') throw new TypeError('the model of a.ts is broken');
    return detect(file);
  };
  const result = analyzer.run();
  assert.deepEqual(result.findings.map((f) => f.site.file), ['b.ts']);
  assert.deepEqual(result.errors, [{ file: 'a.ts', message: 'the analysis failed (the model of a.ts is broken)' }]);
});

test('a reader that fails on a file is an error for that file, not a crash of the audit', () => {
  const files: Record<string, string> = {
    'b.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function two(row: string) {\n  return c.${CALL};\n}\n`,
  };
  const source: ProjectSource = {
    files: ['a.ts', 'b.ts'],
    read: (p) => {
      if (p === 'a.ts') throw new Error('EIO: i/o error, read');
      return files[p];
    },
  };
  const result = new Analyzer(source, DEFAULT_OPTIONS).run();
  assert.deepEqual(result.findings.map((f) => f.site.file), ['b.ts']);
  assert.deepEqual(result.errors, [{ file: 'a.ts', message: 'could not be read: EIO: i/o error, read' }]);
});
