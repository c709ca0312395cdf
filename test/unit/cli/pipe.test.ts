// A reader that closes the pipe early (`batchwise audit | head -c 1`): no crash, no stack on stderr,
// and the exit code the command decided. The built dist/cli.js, as a user runs it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

// A report far larger than a pipe's buffer (64 KiB), so that writing it meets the closed pipe.
const PROJECT = mkdtempSync(join(tmpdir(), 'bw-pipe-'));
after(() => rmSync(PROJECT, { recursive: true, force: true }));
mkdirSync(join(PROJECT, 'scripts'));
writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'pipe', private: true, scripts: { tag: 'tsx scripts/tag.ts' } }));
const calls = Array.from({ length: 800 }, (_, i) => `    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: \`Q${i}: \${row}\` }] });`);
writeFileSync(join(PROJECT, 'scripts', 'tag.ts'), `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function tag(rows: string[]) {\n  for (const row of rows) {\n${calls.join('\n')}\n  }\n}\nawait tag(process.argv.slice(2));\n`);

/** Runs the CLI, closing its stdout after the first chunk; resolves with the exit code and stderr. */
function runClosingEarly(args: string[]): Promise<{ code: number | null; stderr: string; got: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = 0;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout.destroy();
    });
    child.on('close', (code) => resolve({ code, stderr, got }));
  });
}

for (const format of ['json', 'table', 'sarif']) {
  test(`audit --format ${format} into a pipe closed after the first chunk: exit 0, nothing but the report's own output`, async () => {
    const r = await runClosingEarly(['audit', PROJECT, '--format', format, '--no-cache']);
    assert.ok(r.got > 0 && r.got < 65536 * 4, `some of the report was read (${r.got} bytes)`);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|internal error|at /);
  });
}

test('the savings gate still fails (exit 1) when the pipe closes early', async () => {
  const r = await runClosingEarly(['audit', PROJECT, '--format', 'json', '--no-cache', '--fail-on-savings', '0']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /over the --fail-on-savings limit/);
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
});
