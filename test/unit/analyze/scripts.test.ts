// standalone-script: module-level code in a file that exports nothing and no module imports is a script
// run on its own, unless it, or what it imports by a relative path, answers a person. Each guard with
// the script it must leave open, and the sentence that says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function classify(files: Record<string, string>, file: string) {
  const result = new Analyzer({ files: Object.keys(files).filter((f) => /\.[jt]s$/.test(f)), read: (p) => files[p] }, DEFAULT_OPTIONS).run();
  const finding = result.findings.find((f) => f.site.file === file);
  assert.ok(finding, `a call is found in ${file}`);
  return { verdict: finding.classification.verdict, rules: finding.classification.evidence.map((e) => e.rule), text: finding.classification.evidence.map((e) => e.message).join(' | ') };
}

const HEAD = "import OpenAI from 'openai';\nconst openai = new OpenAI();\n";
const IIFE = (before = '') => `${HEAD}(async () => {\n  ${before}\n  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Name three rivers' }] });\n  console.log(r.choices[0].message.content);\n})();\n`;

test('an immediately invoked async function in a file nothing imports is a script run on its own', () => {
  const found = classify({ 'examples/rivers.ts': IIFE() }, 'examples/rivers.ts');
  assert.equal(found.verdict, 'batchable');
  assert.deepEqual(found.rules.slice(0, 1), ['standalone-script']);
  assert.match(found.text, /a script run on its own: module-level code in examples\/rivers\.ts, which exports nothing and which no module imports/);
});

test('each sign of a person being answered leaves the file open and says which', () => {
  const cases: [string, string, RegExp][] = [
    ["process.stdin.on('data', () => {});", 'examples/a.ts', /it reads what a person types/],
    ["import('node:readline');", 'examples/a.ts', /it reads what a person types/],
    ["const { Client } = await import('discord.js');", 'examples/a.ts', /it runs a bot/],
    ["const { default: fastify } = await import('fastify');", 'examples/a.ts', /it serves requests/],
    ["self.onmessage = () => {};", 'examples/a.ts', /it runs a UI or answers messages/],
  ];
  for (const [before, file, why] of cases) {
    const found = classify({ [file]: IIFE(before) }, file);
    assert.equal(found.verdict, 'unknown', before);
    assert.deepEqual(found.rules, ['no-entry-point'], before);
    assert.match(found.text, why, before);
    assert.match(found.text, /not taken for a script run on its own/, before);
  }
});

test('a prompt in a module the script imports by a relative path counts; one in an unrelated file does not', () => {
  const prompts = "import { input } from '@inquirer/prompts';\nexport const ask = () => input({ message: 'Topic?' });\n";
  const imported = classify({ 'examples/a.ts': `import { ask } from '../lib/ask';\n${IIFE('const topic = await ask();')}`, 'lib/ask.ts': prompts }, 'examples/a.ts');
  assert.equal(imported.verdict, 'unknown');
  assert.match(imported.text, /lib\/ask\.ts, which it imports, reads what a person types/);
  const unrelated = classify({ 'examples/a.ts': IIFE(), 'lib/ask.ts': prompts }, 'examples/a.ts');
  assert.equal(unrelated.verdict, 'batchable');
});

test('a file that exports, that a module imports, or that a framework or tool loads by its name is no script', () => {
  assert.equal(classify({ 'examples/a.ts': `${IIFE()}export const answer = 42;\n` }, 'examples/a.ts').verdict, 'unknown');
  assert.equal(classify({ 'lib/a.ts': IIFE(), 'lib/b.ts': "import './a';\nexport const b = 1;\n" }, 'lib/a.ts').verdict, 'unknown');
  assert.equal(classify({ 'vite.config.ts': IIFE() }, 'vite.config.ts').verdict, 'unknown');
  assert.equal(classify({ 'app/page.ts': IIFE() }, 'app/page.ts').verdict, 'unknown');
});

test("a page's globals make it a page's script; a variable of its own named document does not", () => {
  assert.equal(classify({ 'web/a.js': IIFE("document.title = 'Rivers';") }, 'web/a.js').verdict, 'unknown');
  assert.equal(classify({ 'tools/a.js': IIFE("const document = { title: 'x' };\n  console.log(document.title);") }, 'tools/a.js').verdict, 'batchable');
});

test("main() and a top-level await read the same scopes: a document of the script's own is no page, the page's document is", () => {
  const MAIN = (before: string) => `${HEAD}async function main() {\n  ${before}\n  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: document.title }] });\n  console.log(r.choices[0].message.content);\n}\nmain();\n`;
  const AWAIT = (before: string) => `${HEAD}${before}\nconst r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: document.title }] });\nconsole.log(r.choices[0].message.content);\n`;
  const own = "const document = { title: 'Name three rivers' };";
  const mainOwn = classify({ 'tools/a.ts': MAIN(own) }, 'tools/a.ts');
  assert.equal(mainOwn.verdict, 'batchable');
  assert.equal(mainOwn.rules[0], 'main-module', mainOwn.text);
  const awaitOwn = classify({ 'tools/b.ts': AWAIT(own) }, 'tools/b.ts');
  assert.equal(awaitOwn.verdict, 'batchable');
  assert.equal(awaitOwn.rules[0], 'top-level-await', awaitOwn.text);
  // The page's own document: neither entry, and the script rule leaves it open too.
  for (const [file, text] of [['tools/c.ts', MAIN('')], ['tools/d.ts', AWAIT('')]]) {
    const found = classify({ [file]: text }, file);
    assert.equal(found.verdict, 'unknown', file);
    assert.ok(!found.rules.includes('main-module') && !found.rules.includes('top-level-await'), found.rules.join(', '));
  }
});

test('a command-line word that only picks a mode is no prompt; one that reaches the request is', () => {
  const mode = classify({ 'src/generate.ts': IIFE("const args = process.argv.slice(2);\n  const command = args[0];\n  if (command === 'ui') return;\n  if (command !== 'datasource') console.error(`Unknown command: ${command}`);") }, 'src/generate.ts');
  assert.equal(mode.verdict, 'batchable');
  assert.deepEqual(mode.rules.slice(0, 1), ['standalone-script']);
  const swapped = classify({ 'src/generate.ts': IIFE("const [, , command] = process.argv;\n  switch (command) { case 'ui': return; }") }, 'src/generate.ts');
  assert.equal(swapped.verdict, 'batchable');
  // The same word also sent to the model: what was typed reaches the request.
  const typed = `${HEAD}(async () => {\n  const question = process.argv[2];\n  if (question === 'help') return;\n  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });\n  console.log(r.choices[0].message.content);\n})();\n`;
  const asked = classify({ 'src/ask.ts': typed }, 'src/ask.ts');
  assert.equal(asked.verdict, 'unknown');
  assert.deepEqual(asked.rules.slice(0, 1), ['command-line-input']);
});

test("an ES module's main check (its own URL or path against the script node started) makes it a program run on its own", () => {
  const SCRIPT = (check: string, imports = "import { pathToFileURL, fileURLToPath } from 'node:url';\nimport path from 'node:path';\n") =>
    `${imports}${HEAD}export async function main() {\n  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Name three rivers' }] });\n  console.log(r.choices[0].message.content);\n}\nif (${check}) {\n  main().catch((e) => { console.error(e); process.exit(1); });\n}\n`;
  const checks = [
    'process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href',
    'import.meta.url === `file://${process.argv[1]}`',
    'fileURLToPath(import.meta.url) === path.resolve(process.argv[1]!)',
    'process.argv[1] === fileURLToPath(import.meta.url)',
    'import.meta.path === Bun.main',
  ];
  for (const check of checks) {
    // Imported by another module too: the check, not the importers, says when it runs as a program.
    const found = classify({ 'lib/summarise.ts': SCRIPT(check), 'lib/index.ts': "export { main } from './summarise';\n" }, 'lib/summarise.ts');
    assert.equal(found.verdict, 'batchable', check);
    assert.equal(found.rules[0], 'main-module', check);
    assert.match(found.text, /runs as a main module \(/, check);
    // The path it reads is the script's own, not something typed: one call per run stays batchable.
    assert.ok(!found.rules.includes('command-line-input'), check);
  }
  // Comparisons that are no main check: argv against a word, or the module's URL against something else.
  for (const check of ["process.argv[1] === 'summarise'", "import.meta.url === process.env.ENTRY", 'import.meta.url !== pathToFileURL(process.argv[1]).href']) {
    const found = classify({ 'lib/summarise.ts': SCRIPT(check) }, 'lib/summarise.ts');
    assert.ok(!found.rules.includes('main-module'), `${check}: ${found.rules.join(', ')}`);
  }
  // A word typed after the script's path still reaches the request: the main check does not hide it.
  const typed = SCRIPT('import.meta.url === pathToFileURL(process.argv[1]).href').replace("'Name three rivers'", 'process.argv[2]');
  const asked = classify({ 'lib/ask.ts': typed }, 'lib/ask.ts');
  assert.equal(asked.verdict, 'unknown');
  assert.equal(asked.rules[0], 'command-line-input');
});
