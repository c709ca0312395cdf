// Problems are said, never swallowed: a package.json that does not parse (its scripts and bin entries
// are evidence for verdicts) is an `errors` entry naming it, and an --output path that cannot be
// written is refused before the audit runs, with a message, not a raw errno after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { outputProblem } from '../../../src/cli/audit';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const LOOP = "import OpenAI from 'openai';\nconst openai = new OpenAI();\nasync function main() {\n  for (const q of ['a', 'b']) await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n}\nmain();\n";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-silent-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

test('a package.json that does not parse is an errors entry, root or nested; a valid one is none', () => {
  const dir = project({
    'package.json': '{ "name": "x", "scripts": { "nightly": "tsx scripts/nightly.ts", } }',
    'scripts/nightly.ts': LOOP,
    'tools/package.json': '["not", "an", "object"]',
    'tools/run.ts': LOOP,
  });
  try {
    const res = spawnSync(process.execPath, [CLI, 'audit', dir, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const errors = JSON.parse(res.stdout).errors as { file: string; message: string }[];
    assert.deepEqual(errors.map((e) => e.file).sort(), ['package.json', 'tools/package.json']);
    assert.match(errors.find((e) => e.file === 'package.json')!.message, /^not valid JSON \(.+\): its scripts and bin entries are not read/);
    assert.match(errors.find((e) => e.file === 'tools/package.json')!.message, /^not a JSON object: its scripts and bin entries are not read/);
    // Fixed, the entry goes and the script is evidence again.
    writeFileSync(join(dir, 'package.json'), '{ "name": "x", "scripts": { "nightly": "tsx scripts/nightly.ts" } }');
    writeFileSync(join(dir, 'tools/package.json'), '{}');
    const result = new WorkspaceSession(dir, DEFAULT_OPTIONS).analyzeAll();
    assert.deepEqual(result.errors, []);
    assert.equal(result.findings.find((f) => f.site.file === 'scripts/nightly.ts')?.classification.verdict, 'batchable');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--output is checked before the audit: a missing folder or a folder at the path is bad usage (exit 2), with a message', () => {
  const dir = project({ 'package.json': '{}', 'a.ts': LOOP });
  try {
    const missing = spawnSync(process.execPath, [CLI, 'audit', dir, '--output', join(dir, 'no', 'such', 'report.json')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^batchwise: --output .*report\.json: its folder .*no\/such does not exist\.\n$/);
    assert.equal(missing.stdout, '');
    const folder = spawnSync(process.execPath, [CLI, 'audit', dir, '--output', dir], { encoding: 'utf8' });
    assert.equal(folder.status, 2);
    assert.match(folder.stderr, /is a folder; name a file/);
    const ok = spawnSync(process.execPath, [CLI, 'audit', dir, '--output', join(dir, 'report.md'), '--format', 'markdown'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(join(dir, 'report.md')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outputProblem: a file under a file, and a writable place', () => {
  const dir = project({ 'f.txt': 'x' });
  try {
    assert.match(String(outputProblem(join(dir, 'f.txt', 'out.json'))), /f\.txt is not a folder/);
    assert.equal(outputProblem(join(dir, 'out.json')), null);
    assert.equal(outputProblem(join(dir, 'f.txt')), null, 'an existing report file may be replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
