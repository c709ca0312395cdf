// Rewrites keep the file's line endings: a CRLF or CR-only file gets the same rewrite as its LF copy,
// in its own line ending everywhere (moved lines, inserted lines, the helper files it creates), and the
// audit offers exactly the fixes that `fix` can then plan. The CLI writes the file back with its byte
// order mark.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS, Fix } from '../../../src/core/model';
import { applyEdits, editsProblem } from '../../../src/core/rewrite';
import { planAnnotation, AnnotationKind } from '../../../src/core/rewrite/annotate';
import { lfView, lineEndingOf, LineEnding, withLineEnding } from '../../../src/core/rewrite/lineEndings';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const EXAMPLES = join(REPO_ROOT, 'examples');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyExamples(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-eol-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  dirs.push(dir);
  return dir;
}

/** The loop hoist and the batch queue, each on a file of the example workspace. */
const CASES = [
  { file: 'scripts/summarize-nightly.ts', call: 'openai.chat.completions.create(', strategy: 'loop-hoist' },
  { file: 'src/jobs/summarize-worker.ts', call: 'anthropic.messages.create(', strategy: 'batch-queue' },
];
const EOLS: [string, LineEnding][] = [['CRLF', '\r\n'], ['CR', '\r']];

function fixOf(root: string, file: string, text: string, call: string): { fix: Fix; offered: { strategy: string; safe: boolean } | null } {
  const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
  session.setOverlay(file, text);
  const line = text.split(/\r\n|\r|\n/).findIndex((l) => l.includes(call)) + 1;
  const finding = session.analyzeFiles([file]).findings.find((f) => f.site.loc.start.line === line);
  assert.ok(finding, `${file}: a finding on line ${line}`);
  const outcome = session.fixFor(finding);
  assert.ok(outcome.ok, `${file}: ${!outcome.ok ? outcome.reason : ''}`);
  return { fix: outcome.fix, offered: finding.fix };
}

const breaks = (s: string) => ({ crlf: (s.match(/\r\n/g) ?? []).length, cr: (s.match(/\r(?!\n)/g) ?? []).length, lf: (s.match(/(?<!\r)\n/g) ?? []).length });

for (const c of CASES) {
  for (const [name, eol] of EOLS) {
    test(`${c.strategy} on a ${name} file: the LF rewrite, in ${name} throughout, helpers included`, () => {
      const root = EXAMPLES;
      const lf = readFileSync(join(root, c.file), 'utf8');
      const converted = withLineEnding(lf, eol);
      const onLf = fixOf(root, c.file, lf, c.call);
      const onEol = fixOf(root, c.file, converted, c.call);
      assert.equal(onEol.fix.strategy, c.strategy);
      assert.deepEqual(onEol.offered, onLf.offered, 'the audit offers the same fix');
      assert.equal(editsProblem(converted.length, onEol.fix.edits), null);
      const rewritten = applyEdits(converted, onEol.fix.edits);
      assert.equal(rewritten, withLineEnding(applyEdits(lf, onLf.fix.edits), eol));
      const counts = breaks(rewritten);
      assert.ok(eol === '\r\n' ? counts.cr === 0 && counts.lf === 0 : counts.crlf === 0 && counts.lf === 0, JSON.stringify(counts));
      assert.deepEqual(onEol.fix.createFiles.map((f) => f.path), onLf.fix.createFiles.map((f) => f.path));
      for (const [i, created] of onEol.fix.createFiles.entries()) assert.equal(created.content, withLineEnding(onLf.fix.createFiles[i].content, eol), created.path);
    });
  }
}

test('a helper already there that differs only in its line endings is the same helper: reused, not a conflict', () => {
  const dir = copyExamples();
  const file = 'scripts/summarize-nightly.ts';
  const lf = readFileSync(join(dir, file), 'utf8');
  const first = fixOf(dir, file, lf, CASES[0].call);
  const helper = first.fix.createFiles[0];
  mkdirSync(join(dir, 'batchwise'));
  writeFileSync(join(dir, helper.path), withLineEnding(helper.content, '\r\n'));
  const again = fixOf(dir, file, lf, CASES[0].call);
  assert.deepEqual(again.fix.createFiles, []);
});

const KINDS: AnnotationKind[] = ['declare-batch', 'declare-user-waiting', 'ignore-line', 'ignore-file'];

test('comments go in the file\'s line ending, on the line above the call, in CRLF and CR-only files too (with a shebang)', () => {
  const session = new WorkspaceSession(EXAMPLES, DEFAULT_OPTIONS);
  const file = 'scripts/summarize-nightly.ts';
  const lf = '#!/usr/bin/env tsx\n' + readFileSync(join(EXAMPLES, file), 'utf8');
  for (const [, eol] of [['LF', '\n'], ...EOLS] as [string, LineEnding][]) {
    const text = withLineEnding(lf, eol);
    session.setOverlay(file, text);
    const finding = session.analyzeFiles([file]).findings[0];
    for (const kind of KINDS) {
      const onLf = planAnnotation(file, lf, { ...finding.site, range: [lfView(text).toView(finding.site.range[0]), lfView(text).toView(finding.site.range[1])] }, kind);
      const plan = planAnnotation(file, text, finding.site, kind);
      assert.ok(plan.ok && onLf.ok, kind);
      const out = applyEdits(text, [plan.edit]);
      assert.equal(out, withLineEnding(applyEdits(lf, [onLf.edit]), eol), `${kind} with ${JSON.stringify(eol)}`);
      assert.equal(lineEndingOf(out), eol);
    }
  }
});

test('a template literal keeps its own line breaks (CR CRLF, a lone CR) when the loop hoist moves it in a CRLF file; the code around it goes CRLF', () => {
  // Found by the fuzzer (seed 20261212, input 5740): the moved prompt came back with CRLF breaks. Its
  // value is the same (a template reads every break as LF), but the bytes of a literal are the user's.
  const root = join(REPO_ROOT, 'test', 'fixtures', 'rewrite', 'ts-multiline-template-prompt');
  const lf = readFileSync(join(root, 'main.ts'), 'utf8');
  const text = withLineEnding(lf, '\r\n').replace('children.\r\n', 'children.\r\r\n').replace('${topic}\r\n', '${topic}\r');
  const literals = text.match(/`[^`]*`/g) ?? [];
  assert.ok(literals.some((l) => l.includes('\r\r\n')) && literals.some((l) => /\r(?!\n)/.test(l.replace(/\r\r\n/g, ''))), 'the literals hold the odd breaks');
  const { fix } = fixOf(root, 'main.ts', text, 'client.chat.completions.create(');
  assert.equal(fix.strategy, 'loop-hoist');
  const rewritten = applyEdits(text, fix.edits);
  for (const l of literals) assert.ok(rewritten.includes(l), `kept byte for byte: ${JSON.stringify(l)}`);
  const outside = literals.reduce((s, l) => s.replace(l, '``'), rewritten);
  assert.deepEqual({ ...breaks(outside), crlf: 0 }, { crlf: 0, cr: 0, lf: 0 }, 'every other break is CRLF');
});

test('the LF view maps offsets both ways, CRLF pairs counted once', () => {
  const text = 'a\r\nbc\rd\r\n\r\ne\nf';
  const view = lfView(text);
  assert.equal(view.text, 'a\nbc\nd\n\ne\nf');
  for (let o = 0; o <= view.text.length; o++) assert.equal(view.toView(view.toOriginal(o)), o, `view offset ${o}`);
  assert.equal(view.toOriginal(1), 1, 'the view\'s newline of a CRLF is the original\'s CR');
  assert.equal(view.toOriginal(2), 3);
  assert.equal(text.slice(view.toOriginal(7), view.toOriginal(8)), '\r\n');
  assert.deepEqual([lineEndingOf('a\nb'), lineEndingOf('a\r\nb\r\nc\n'), lineEndingOf('a\rb\rc\r\nd'), lineEndingOf('abc')], ['\n', '\r\n', '\r', '\n']);
});

test('edits that overlap or leave the text are named, not thrown', () => {
  assert.match(String(editsProblem(10, [{ range: [2, 5], newText: '' }, { range: [4, 6], newText: 'x' }])), /overlapping edits \(at offset 4\)/);
  assert.match(String(editsProblem(10, [{ range: [8, 12], newText: '' }])), /outside the file/);
  assert.equal(editsProblem(10, [{ range: [2, 2], newText: 'a' }, { range: [2, 4], newText: 'b' }]), null);
});

test('fix --write on a CRLF file with a byte order mark: every line CRLF, the mark kept, the helper CRLF', () => {
  const dir = copyExamples();
  const rel = 'scripts/summarize-nightly.ts';
  const lf = readFileSync(join(dir, rel), 'utf8');
  writeFileSync(join(dir, rel), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(withLineEnding(lf, '\r\n'))]));
  const line = lf.split('\n').findIndex((l) => l.includes(CASES[0].call)) + 1;
  const res = spawnSync(process.execPath, [CLI, 'fix', rel, '--line', String(line), '--write'], { cwd: dir, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const bytes = readFileSync(join(dir, rel));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const expected = readFileSync(join(REPO_ROOT, 'test', 'integration', 'suite', 'expected', 'summarize-nightly.ts.txt'), 'utf8');
  assert.equal(bytes.subarray(3).toString('utf8'), withLineEnding(expected, '\r\n'));
  assert.equal(lineEndingOf(readFileSync(join(dir, 'batchwise', 'openaiBatch.ts'), 'utf8')), '\r\n');
  assert.equal(breaks(readFileSync(join(dir, 'batchwise', 'openaiBatch.ts'), 'utf8')).lf, 0);
});

test('fix --write on a CR-only file: applied (exit 0), CR-only throughout', () => {
  const dir = copyExamples();
  const rel = 'src/jobs/summarize-worker.ts';
  const lf = readFileSync(join(dir, rel), 'utf8');
  writeFileSync(join(dir, rel), withLineEnding(lf, '\r'));
  const line = lf.split('\n').findIndex((l) => l.includes(CASES[1].call)) + 1;
  const res = spawnSync(process.execPath, [CLI, 'fix', rel, '--line', String(line), '--write'], { cwd: dir, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const out = readFileSync(join(dir, rel), 'utf8');
  assert.deepEqual({ ...breaks(out), cr: 0 }, { crlf: 0, cr: 0, lf: 0 });
  assert.match(out, /\rconst batchwiseMessagesQueue = new BatchQueue\(/);
});
