// Terminal escape injection: file names and string literals with ESC, BEL, CR/LF, C1 controls and
// bidirectional overrides are shown in every human-readable format (table, Markdown, CSV), never passed
// to the terminal raw; JSON and SARIF stay valid and give back exactly the original strings.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { WorkspaceSession } from '../../../src/workspace/session';
import { toTable } from '../../../src/core/report/table';
import { toMarkdown } from '../../../src/core/report/markdown';
import { toCsv } from '../../../src/core/report/csv';
import { toJsonReport } from '../../../src/core/report/json';
import { toSarif } from '../../../src/core/report/sarif';
import { printable, toJsonText } from '../../../src/core/report/printable';
import { REPO_ROOT } from '../helpers';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const ESC = '\u001b';
/** Clear the screen, a hidden OSC 8 link ended by BEL, a forged line, a C1 CSI, and a right-to-left override. */
const HOSTILE_MODEL = `gpt-4o${ESC}[2J${ESC}]8;;https://evil.example${'\u0007'}click${ESC}]8;;${'\u0007'}\r\nbatchable  $9,999.00\u009b31m\u202eevil\u2066`;
const HOSTILE_FILE = `scripts/${ESC}[2Jnightly\u202egpj.ts`;

/** Anything a terminal would act on: C0 controls but the layout's own LF, DEL, C1, separators, bidi controls. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const dir = mkdtempSync(join(tmpdir(), 'bw-escape-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', scripts: { nightly: `tsx '${HOSTILE_FILE}'` } }));
mkdirSync(join(dir, 'scripts'));
writeFileSync(
  join(dir, HOSTILE_FILE),
  `import OpenAI from 'openai';\nconst openai = new OpenAI();\nasync function main() {\n  for (const q of ['a', 'b']) {\n    await openai.chat.completions.create({ model: ${JSON.stringify(HOSTILE_MODEL)}, messages: [{ role: 'user', content: q }] });\n  }\n}\nmain();\n`,
);
const result = new WorkspaceSession(dir, DEFAULT_OPTIONS).analyzeAll();
result.errors.push({ file: `src/${ESC}]0;pwned${'\u0007'}.ts`, message: `could not be read\n${ESC}[31mFAKE ERROR` });

test('the project really carries the hostile strings into the findings', () => {
  assert.equal(result.findings.length, 1);
  assert.equal(result.findings[0].site.file, HOSTILE_FILE);
  assert.equal(result.findings[0].site.model, HOSTILE_MODEL);
});

test('table: no raw control character, no forged line; with colour, only its own SGR sequences', () => {
  const plain = toTable(result, { color: false });
  assert.doesNotMatch(plain, RAW);
  assert.equal(plain.split('\n').filter((l) => l.includes('$9,999.00')).length, 1, 'the forged row stays inside the model cell');
  assert.ok(plain.includes(printable(HOSTILE_MODEL).slice(0, 10)));
  assert.ok(plain.includes('\\x1b[2J') && plain.includes('\\u202e') && plain.includes('\\x9b') && plain.includes('\\r\\n'));
  const coloured = toTable(result, { color: true, width: 80 });
  assert.doesNotMatch(coloured.replace(/\u001b\[[0-9;]*m/g, ''), RAW);
  assert.equal(plain.split('\n').length, coloured.split('\n').length);
});

test('Markdown and CSV: control characters shown, cells intact', () => {
  const md = toMarkdown(result);
  assert.doesNotMatch(md, RAW);
  const lines = md.split('\n');
  const row = lines.find((l) => l.includes('gpt-4o'))!;
  const header = lines.find((l) => l.startsWith('| File |'))!;
  const cells = (l: string) => l.split(/(?<!\\)\|/).length;
  assert.equal(cells(row), cells(header), 'as many cells as the header: no pipe or line break escaped the model cell');
  const csv = toCsv(result);
  assert.doesNotMatch(csv, RAW);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0].model, printable(HOSTILE_MODEL));
  assert.equal(rows[0].file, printable(HOSTILE_FILE));
});

test('JSON and SARIF: valid, nothing raw that a terminal obeys, and read back they give the original strings', () => {
  const json = toJsonText(toJsonReport(dir, result));
  assert.doesNotMatch(json.replace(/\n/g, ''), RAW);
  const doc = JSON.parse(json);
  assert.equal(doc.findings[0].model, HOSTILE_MODEL);
  assert.equal(doc.findings[0].file, HOSTILE_FILE);
  assert.equal(doc.errors[0].message, result.errors[0].message);
  const sarifText = toJsonText(toSarif('file:///w/', result, '0.1.0'));
  assert.doesNotMatch(sarifText.replace(/\n/g, ''), RAW);
  assert.deepEqual(JSON.parse(sarifText), JSON.parse(JSON.stringify(toSarif('file:///w/', result, '0.1.0'))));
});

test('the CLI table on a terminal (colour forced) obeys nothing from the workspace', () => {
  const res = spawnSync(process.execPath, [CLI, 'audit', dir], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
  assert.equal(res.status, 0, res.stderr);
  assert.doesNotMatch(res.stdout.replace(/\u001b\[[0-9;]*m/g, ''), RAW);
  assert.match(res.stdout, /\\x1b\[2J/);
  for (const format of ['markdown', 'csv']) {
    const out = spawnSync(process.execPath, [CLI, 'audit', dir, '--format', format], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.doesNotMatch(out.stdout, RAW, format);
  }
});

test('printable names the characters it replaces', () => {
  assert.equal(printable('a\u001bb\u0007c\nd\re\tf\u0085g\u202eh\u2028i\u007f'), 'a\\x1bb\\x07c\\nd\\re\\tf\\x85g\\u202eh\\u2028i\\x7f');
  assert.equal(printable('plain text, ünïcödé, 日本語 🚀'), 'plain text, ünïcödé, 日本語 🚀');
});
