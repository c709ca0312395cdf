// The gate in front of every rewrite, as a matrix: verdict × entry path. The CLI runs as a user runs it
// (dist/cli.js); the editor's three paths (the Quick Fix, the report's Apply fix, batchwise.applyFix)
// all resolve the language server's rewrite action (codeAction/resolve with action 'rewrite', which is
// what src/vscode/codeActions.ts sends), so they are driven here through `batchwise lsp --stdio`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS, Finding, Verdict } from '../../../src/core/model';
import { gateFix, quoteEvidence } from '../../../src/core/rewrite/gate';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../../support/lspClient';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

const LOOP = (prefix: string, indent: string) =>
  `${indent}for (const q of ${prefix}) {\n${indent}  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });\n${indent}  out.push(r.choices[0].message.content ?? '');\n${indent}}\n`;

/** One call of each verdict, each in a loop the hoist accepts by its shape. */
const PROJECT: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'gate', scripts: { nightly: 'tsx scripts/nightly.ts' } }),
  'src/client.ts': "import OpenAI from 'openai';\nexport const openai = new OpenAI();\n",
  // user-waiting: an Express route handler
  'src/server.ts': `import express from 'express';\nimport { openai } from './client';\n\nconst app = express();\napp.post('/api/answer', async (req, res) => {\n  const questions: string[] = req.body.questions;\n  const out: string[] = [];\n${LOOP('questions', '  ')}  res.json(out);\n});\napp.listen(3000);\n`,
  // unknown: an exported function nothing in the project calls
  'src/hooks.ts': `import { openai } from './client';\n\nexport async function onTickets(tickets: string[]) {\n  const out: string[] = [];\n${LOOP('tickets', '  ')}  return out;\n}\n`,
  // batchable: an npm script
  'scripts/nightly.ts': `import { openai } from '../src/client';\n\nasync function main() {\n  const notes: string[] = ['a', 'b'];\n  const out: string[] = [];\n${LOOP('notes', '  ')}  console.log(out);\n}\nmain();\n`,
};
const FILE_OF: Record<Verdict, string> = { 'user-waiting': 'src/server.ts', unknown: 'src/hooks.ts', batchable: 'scripts/nightly.ts' };
const VERDICTS: Verdict[] = ['batchable', 'user-waiting', 'unknown'];
const EDITOR_PATHS = ['Quick Fix', "the report's Apply fix", 'batchwise.applyFix'] as const;

function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-gate-'));
  for (const [rel, text] of Object.entries(PROJECT)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const callLine = (rel: string) => PROJECT[rel].split('\n').findIndex((l) => l.includes('chat.completions.create(')) + 1;

let dir: string;
let session: WorkspaceSession;
const findings = new Map<Verdict, Finding>();
before(() => {
  dir = makeProject();
  session = new WorkspaceSession(dir, DEFAULT_OPTIONS);
  for (const f of session.analyzeAll().findings) findings.set(f.classification.verdict, f);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the project holds one call of each verdict, where this test expects it', () => {
  for (const v of VERDICTS) assert.equal(findings.get(v)?.site.file, FILE_OF[v], `${v}: ${[...findings.values()].map((f) => `${f.site.file} ${f.classification.verdict}`).join(', ')}`);
  assert.equal(findings.get('batchable')!.fix?.strategy, 'loop-hoist');
});

describe('CLI: batchwise fix', () => {
  const fix = (v: Verdict, ...flags: string[]) => spawnSync(process.execPath, [CLI, 'fix', FILE_OF[v], '--line', String(callLine(FILE_OF[v])), ...flags], { cwd: dir, encoding: 'utf8' });

  test('batchable: the diff, no warning', () => {
    const res = fix('batchable');
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /runChatCompletionsBatch/);
    assert.equal(res.stderr, '');
  });

  test('user-waiting: refused (exit 1), naming the verdict and its evidence, with --allow-unknown too, and --write writes nothing', () => {
    for (const flags of [[], ['--allow-unknown'], ['--write'], ['--write', '--allow-unknown']]) {
      const res = fix('user-waiting', ...flags);
      assert.equal(res.status, 1, `${flags.join(' ')}: ${res.stdout}`);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, new RegExp(`^batchwise: no fix for src/server\\.ts:${callLine('src/server.ts')}: a person waits for this call \\(verdict user-waiting: http-route-handler: [^;]*src/server\\.ts:5\\)\\)\\. A batch answers within 24 hours`));
    }
    assert.equal(readFileSync(join(dir, 'src/server.ts'), 'utf8'), PROJECT['src/server.ts']);
    assert.equal(existsSync(join(dir, 'batchwise')), false);
  });

  test('unknown: refused without --allow-unknown (the flag named); with it, the fix and a warning that says what is unknown', () => {
    const refused = fix('unknown');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /no fix for src\/hooks\.ts:\d+: Batchwise cannot tell whether a person waits for this call \(verdict unknown: .*no-entry-point: .*\)\. Pass --allow-unknown to rewrite it anyway/);
    const allowed = fix('unknown', '--allow-unknown');
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /runChatCompletionsBatch/);
    assert.match(allowed.stderr, /^batchwise: warning: rewriting a call whose context is unknown \(.*no-entry-point: .*\): if a person waits for it, they will wait for a batch, up to 24 hours\.\n$/);
  });
});

describe('editor (through the language server): the rewrite action of every editor path', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ command: [process.execPath, CLI, 'lsp', '--stdio'], root: dir });
  });
  after(async () => {
    await client.stop();
  });

  for (const path of EDITOR_PATHS) {
    test(`${path}: batchable is rewritten; user-waiting and unknown are refused with the verdict and its evidence`, async () => {
      for (const v of VERDICTS) {
        const f = findings.get(v)!;
        const uri = await client.open(f.site.file);
        await client.diagnosticsFor(uri, 1);
        const before = client.messages.length;
        const data = { uri, version: 1, start: f.site.range[0], end: f.site.range[1], action: 'rewrite' };
        const resolved = (await client.connection.sendRequest('codeAction/resolve', { title: 'Batchwise', data })) as CodeAction;
        const label = `${path} × ${v}`;
        if (v === 'batchable') {
          assert.ok(resolved.edit, label);
          continue;
        }
        assert.equal(resolved.edit, undefined, label);
        const said = client.messages.slice(before).map((m) => m.message).join('\n');
        assert.match(said, v === 'user-waiting' ? /verdict user-waiting: http-route-handler: / : /verdict unknown: .*no-entry-point: .*Rewrite it anyway with `batchwise fix --allow-unknown`/, label);
      }
      assert.equal(existsSync(join(dir, 'batchwise')), false, 'nothing was written');
    });
  }
});

test('the session refuses without a permit, and a permit for another call does not carry over', () => {
  assert.match(String((session.fixFor(findings.get('user-waiting')!) as { reason?: string }).reason), /verdict user-waiting/);
  assert.match(String((session.fixFor(findings.get('unknown')!) as { reason?: string }).reason), /verdict unknown/);
  assert.equal(session.fixFor(findings.get('batchable')!).ok, true);
  const permitForOther = gateFix(findings.get('batchable')!, { front: 'cli', allowUnknown: true });
  assert.ok(permitForOther.ok);
  const outcome = session.fixFor(findings.get('unknown')!, permitForOther.permit);
  assert.equal(outcome.ok, false);
});

test('a batchable call refused for where it runs is refused by the gate with that reason', () => {
  const f = findings.get('batchable')!;
  const serverless: Finding = { ...f, fix: null, fixRefusal: 'the call runs in a Vercel function' };
  const gate = gateFix(serverless, { front: 'cli', allowUnknown: true });
  assert.ok(!gate.ok);
  assert.equal(gate.reason, 'the call runs in a Vercel function');
});

test('evidence is quoted with rule, sentence and place; a long list says how many more', () => {
  const e = (n: number) => ({ rule: `r${n}`, message: `m${n}`, file: 'a.ts', line: n });
  assert.equal(quoteEvidence([e(1)]), 'r1: m1 (a.ts:1)');
  assert.equal(quoteEvidence([{ rule: 'r', message: 'POST route at a.ts:4', file: 'a.ts', line: 4 }]), 'r: POST route at a.ts:4');
  assert.equal(quoteEvidence([1, 2, 3, 4, 5].map(e)), 'r1: m1 (a.ts:1); r2: m2 (a.ts:2); r3: m3 (a.ts:3); and 2 more');
  assert.equal(quoteEvidence([]), 'no evidence recorded');
});
