// The language server as any editor sees it: `batchwise lsp --stdio` (the built CLI) driven by a plain
// LSP client over JSON-RPC, on a copy of the example workspace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CodeLens, Diagnostic, Hover, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { FULL_CAPABILITIES, LspTestClient } from '../../support/lspClient';
import { REPO_ROOT } from '../helpers';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const EXPECTED_REWRITE = readFileSync(join(REPO_ROOT, 'test', 'integration', 'suite', 'expected', 'summarize-nightly.ts.txt'), 'utf8');
const SUMMARIZE = 'scripts/summarize-nightly.ts';
const COMMENT_TITLES = [
  'Batchwise: Declare that a person waits for this call (// batchwise: user-waiting)',
  'Batchwise: Ignore this call (// batchwise-ignore-next-line)',
  'Batchwise: Ignore this file (// batchwise-ignore-file)',
];

function workspaceCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-lsp-'));
  cpSync(join(REPO_ROOT, 'examples'), dir, { recursive: true });
  return dir;
}

/** The text after applying a workspace edit's changes to `uri` (the edits of one document never overlap). */
function applyToText(text: string, edit: WorkspaceEdit, uri: string): string {
  const edits = (edit.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === uri).flatMap((c) => c.edits);
  const all = [...edits, ...(edit.changes?.[uri] ?? [])] as { range: never; newText: string }[];
  return TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 0, text), all);
}

function start(root: string, extra: Partial<Parameters<typeof LspTestClient.start>[0]> = {}): Promise<LspTestClient> {
  assert.ok(existsSync(CLI), 'build first (npm run build)');
  return LspTestClient.start({ command: [process.execPath, CLI, 'lsp', '--stdio'], root, ...extra });
}

describe('batchwise lsp --stdio with a full-featured client', () => {
  let root: string;
  let client: LspTestClient;
  let severity = 'warning';
  let noiseFloor = 1;

  before(async () => {
    root = workspaceCopy();
    client = await start(root, { settings: () => ({ severity, defaultCallsPerDay: 1000, noiseFloor }) });
  });
  after(async () => {
    assert.equal(await client.stop(), 0, 'exits 0 after shutdown and exit');
    rmSync(root, { recursive: true, force: true });
  });

  test('initialize: the capabilities of a linter with fixes, and its own process', () => {
    const { capabilities, serverInfo } = client.initializeResult;
    assert.equal(serverInfo?.name, 'batchwise');
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix'], resolveProvider: true });
    assert.deepEqual(capabilities.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(capabilities.executeCommandProvider?.commands, ['batchwise.applyCodeAction']);
    assert.notEqual((client.initializeResult.batchwise as { pid: number }).pid, process.pid);
  });

  test('didOpen: a BW001 diagnostic for the document version, with source, code, rule link and the call as its range', async () => {
    const uri = await client.open(SUMMARIZE);
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.source, 'batchwise');
    assert.equal(d.code, 'BW001');
    assert.match(d.codeDescription!.href, /\/docs\/rules\/batchable-llm-call\.md$/);
    assert.equal(d.severity, 2, 'warning');
    assert.match(d.message as string, /^Batchable, saves ≈ \$13\.7\d\/mo at 5,000\/day, from a comment: reached only from scripts\/summarize-nightly\.ts \(run by the npm script `summarize`/);
    const text = readFileSync(join(root, SUMMARIZE), 'utf8');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('openai.chat.completions.create('));
    const character = lines[line].indexOf('openai.chat.completions.create(');
    // The callee, not the eight lines of the call.
    assert.deepEqual(d.range, { start: { line, character }, end: { line, character: character + 'openai.chat.completions.create'.length } });
    // The settings came from the client (workspace/configuration), and the server asked to hear of changes and of files.
    assert.ok(client.registrations.includes('workspace/didChangeConfiguration'));
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'));
  });

  test('a call a person waits for gets no diagnostic', async () => {
    const uri = await client.open('src/app/api/chat/route.ts');
    assert.deepEqual((await client.diagnosticsFor(uri, 1)).diagnostics, []);
  });

  test('hover: the verdict, the evidence chain and every assumption', async () => {
    const uri = client.uri(SUMMARIZE);
    const d = (await client.diagnosticsFor(uri, 1)).diagnostics[0];
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
    const { kind, value } = hover.contents as { kind: string; value: string };
    assert.equal(kind, 'markdown');
    assert.match(value, /Batchwise: batchable/);
    assert.match(value, /`npm-script`/);
    assert.match(value, /Assumptions/);
    assert.match(value, /^\*\*Volume:\*\* 5,000 calls\/day, from the comment/);
    assert.match(value, /<https:\/\/platform\.openai\.com\/docs\/pricing>/);
    assert.ok(!value.includes(d.message as string), 'the hover does not repeat the diagnostic');
    assert.equal(hover.range!.start.line, d.range.start.line);
    const nothing = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(nothing, null);
  });

  test('codeLens: the monthly saving above the call, opening the report', async () => {
    const uri = client.uri(SUMMARIZE);
    const d = (await client.diagnosticsFor(uri, 1)).diagnostics[0];
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.equal(lenses.length, 1);
    assert.match(lenses[0].command!.title, /^Batch API: save ≈ \$\d[\d,]*\.\d\d\/mo \(5,000\/day, from a comment\)$/);
    assert.equal(lenses[0].command!.command, 'batchwise.showReport');
    assert.equal(lenses[0].range.start.line, d.range.start.line);
  });

  test('codeAction → resolve: the rewrite carries its version; resolved, it creates the helper with its content and edits that version', async () => {
    const uri = client.uri(SUMMARIZE);
    const d = (await client.diagnosticsFor(uri, 1)).diagnostics[0];
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Batchwise: Move to the OpenAI Batch API (loop hoist)', ...COMMENT_TITLES]);
    const [rewrite] = actions;
    assert.equal(rewrite.isPreferred, false, 'a change of timing is never a preferred fix');
    assert.equal(rewrite.edit, undefined, 'computed when chosen');
    assert.equal(rewrite.command, undefined, 'the client resolves');
    assert.deepEqual(rewrite.data, { uri, version: 1, start: (d.data as { start: number }).start, end: (d.data as { end: number }).end, action: 'rewrite' });
    const resolved = (await client.connection.sendRequest('codeAction/resolve', rewrite)) as CodeAction;
    const changes = resolved.edit!.documentChanges!;
    const helperUri = client.uri('batchwise/openaiBatch.ts');
    assert.deepEqual(changes[0], { kind: 'create', uri: helperUri, options: { overwrite: false, ignoreIfExists: false } });
    const helper = applyToText('', resolved.edit!, helperUri);
    assert.match(helper, /^\/\/ Generated by Batchwise\./);
    assert.match(helper, /export (async )?function runChatCompletionsBatch\(/);
    const own = changes.find((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === uri)!;
    assert.equal(own.textDocument.version, 1);
    assert.equal(applyToText(readFileSync(join(root, SUMMARIZE), 'utf8'), resolved.edit!, uri), EXPECTED_REWRITE);
  });

  test('didChange: diagnostics follow the new version, and an action offered for the old one is refused with the reason', async () => {
    const uri = client.uri(SUMMARIZE);
    const d = (await client.diagnosticsFor(uri, 1)).diagnostics[0];
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const text = readFileSync(join(root, SUMMARIZE), 'utf8');
    const version = await client.change(uri, text.replace('// batchwise:', '// batchwise-ignore-next-line\n// batchwise:'));
    assert.equal(version, 2);
    const messagesBefore = client.messages.length;
    for (const action of actions) {
      const resolved = (await client.connection.sendRequest('codeAction/resolve', action)) as CodeAction;
      assert.equal(resolved.edit, undefined, `${action.title} was resolved for a stale version`);
    }
    await client.until(() => client.messages[messagesBefore], 'a message');
    assert.match(client.messages[messagesBefore].message, /^Batchwise: the file changed since this fix was offered/);
    // The new text is analysed once typing pauses; every later set of diagnostics is for version 2.
    const after = await client.diagnosticsFor(uri, 2);
    assert.ok(Array.isArray(after.diagnostics));
    await client.change(uri, text);
    assert.equal((await client.diagnosticsFor(uri, 3)).diagnostics.length, 1, 'back as it was');
  });

  test('a comment fix: resolved to one versioned insertion; applied, the call has no diagnostic', async () => {
    const uri = await client.open('evals/run-evals.ts');
    const published = await client.diagnosticsFor(uri, 1);
    const [d] = published.diagnostics;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Batchwise: Move to Anthropic Message Batches (loop hoist)', ...COMMENT_TITLES]);
    const declare = (await client.connection.sendRequest('codeAction/resolve', actions[1])) as CodeAction;
    const [change] = declare.edit!.documentChanges! as TextDocumentEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    const text = readFileSync(join(root, 'evals/run-evals.ts'), 'utf8');
    const after = applyToText(text, declare.edit!, uri);
    const lines = after.split('\n');
    const at = lines.findIndex((l) => l.includes('claude.messages.create('));
    assert.equal(lines[at - 1], `${/^\s*/.exec(lines[at])![0]}// batchwise: user-waiting`);
    assert.equal(after.replace(lines[at - 1] + '\n', ''), text, 'nothing else changed');
    const version = await client.change(uri, after);
    assert.deepEqual((await client.diagnosticsFor(uri, version)).diagnostics, []);
  });

  test('batchwise/report on a client progress token: progress from begin to end, then every call site with totals', async () => {
    const token = 'report-1';
    client.watchProgress(token);
    const seen = client.notifications.length;
    const report = (await client.connection.sendRequest('batchwise/report', { rescan: true, workDoneToken: token })) as {
      complete: boolean;
      rows: { file: string; verdict: string }[];
      locations: { uri: string }[];
      totals: { callSites: number; batchable: number; monthlySavings: number };
      display: { monthlySavings: string };
    };
    assert.equal(report.complete, true);
    assert.equal(report.rows.length, 9);
    assert.equal(report.totals.callSites, 9);
    assert.equal(report.locations.length, 9);
    assert.ok(report.totals.batchable >= 4);
    assert.match(report.display.monthlySavings, /^\$\d[\d,]*\.\d\d$/);
    const kinds = client.progress.filter((p) => p.token === token).map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    // (Analyses of edited files also send 'ready' with updated figures, in any order around the scan.)
    const status = client.notifications.slice(seen).filter((n) => n.method === 'batchwise/status').map((n) => (n.params as { state: string }).state);
    assert.ok(status.includes('scanning') && status.lastIndexOf('ready') > status.indexOf('scanning'), status.join(', '));
  });

  test('batchwise/report without a token: the server creates its own progress', async () => {
    const before = client.createdProgressTokens.length;
    const report = (await client.connection.sendRequest('batchwise/report', { rescan: true })) as { rows: unknown[] };
    assert.equal(report.rows.length, 9);
    const created = client.createdProgressTokens.slice(before);
    assert.equal(created.length, 1);
    assert.deepEqual(client.progress.filter((p) => p.token === created[0]).map((p) => p.value.kind).at(-1), 'end');
  });

  test('batchwise/exportReport: the last report as CSV', async () => {
    const result = (await client.connection.sendRequest('batchwise/exportReport', { format: 'csv' })) as { text: string };
    assert.match(result.text.split('\n')[0], /^file,line,column,provider,api,model,verdict/);
    assert.equal(result.text.trim().split('\n').length, 1 + 9);
    assert.equal(await client.connection.sendRequest('batchwise/exportReport', { format: 'pdf' }), null);
  });

  test('after an edit or a fix the report follows: the rows go stale, then the file\'s rows, the totals and the export are replaced', async () => {
    const report = (await client.connection.sendRequest('batchwise/report', { rescan: true })) as { rows: { file: string; verdict: string }[]; totals: { batchable: number } };
    assert.equal(report.rows.find((r) => r.file === 'scripts/tag-notes.ts')?.verdict, 'batchable');
    const uri = await client.open('scripts/tag-notes.ts');
    const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const declare = (await client.connection.sendRequest('codeAction/resolve', actions.find((a) => a.title === COMMENT_TITLES[0]))) as CodeAction;
    const seen = client.notifications.length;
    type Changed = { rows: { file: string; verdict: string; stale?: string }[]; totals: { batchable: number }; locations: { version: number | null }[] };
    const changes = () => client.notifications.slice(seen).filter((n) => n.method === 'batchwise/reportChanged').map((n) => n.params as Changed);
    await client.change(uri, applyToText(readFileSync(join(root, 'scripts/tag-notes.ts'), 'utf8'), declare.edit!, uri));
    const updated = await client.until(() => changes().find((r) => r.rows.find((x) => x.file === 'scripts/tag-notes.ts')?.verdict === 'user-waiting'), 'the report with the declared row');
    // (A report from an analysis already under way may come first: the edit's own reports are the ones after the stale one.)
    const sent = changes();
    const staleRows = sent.slice(0, sent.indexOf(updated)).map((r) => r.rows.find((x) => x.file === 'scripts/tag-notes.ts')?.stale ?? '');
    assert.ok(staleRows.some((why) => /^the file changed since this row was computed/.test(why)), `between the edit and its analysis the row is stale: ${JSON.stringify(staleRows)}`);
    const row = updated.rows.findIndex((x) => x.file === 'scripts/tag-notes.ts');
    assert.equal(updated.rows[row].stale, undefined);
    assert.equal(updated.locations[row].version, 2, 'the row\'s offsets are those of the edited version');
    assert.equal(updated.totals.batchable, report.totals.batchable - 1);
    const status = client.notifications.slice(seen).filter((n) => n.method === 'batchwise/status').at(-1)!.params as { state: string; totals: { batchable: number } };
    assert.deepEqual([status.state, status.totals.batchable], ['ready', report.totals.batchable - 1]);
    const csv = ((await client.connection.sendRequest('batchwise/exportReport', { format: 'csv' })) as { text: string }).text;
    assert.match(csv.split('\n').find((l) => l.startsWith('scripts/tag-notes.ts'))!, /,user-waiting,/);
    await client.change(uri, readFileSync(join(root, 'scripts/tag-notes.ts'), 'utf8'));
    await client.until(() => changes().at(-1)?.rows.find((x) => x.file === 'scripts/tag-notes.ts' && !x.stale)?.verdict === 'batchable', 'the row back as it was');
  });

  test('a call made once per run of a daily cron is offered a batch of one, never preferred, and the hover says the run waits for it', async () => {
    const uri = await client.open('src/jobs/digest-cron.ts');
    const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Batchwise: Send this call through Anthropic Message Batches (batch of one)', ...COMMENT_TITLES]);
    assert.equal(actions[0].isPreferred, false);
    const resolved = (await client.connection.sendRequest('codeAction/resolve', actions[0])) as CodeAction;
    const edited = applyToText(readFileSync(join(root, 'src/jobs/digest-cron.ts'), 'utf8'), resolved.edit!, uri);
    assert.match(edited, /const digest = await runMessagesBatch\(anthropic, \[\{\n[^]*\}\]\)\.then\(\(results\) => results\.get\(0\)\);/);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
    assert.match((hover.contents as { value: string }).value, /Quick Fix:\*\* single\\-batch \(review carefully\): the call is made once per run of the cron schedule .*the run waits for that batch/);
    const lens = ((await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[])[0];
    const report = (await client.connection.sendRequest('batchwise/report', {})) as { rows: { file: string; wouldSave: number; fix: { strategy: string } | null; fixRefusal: string | null }[] };
    const row = report.rows.find((r) => r.file === 'src/jobs/digest-cron.ts')!;
    assert.equal(row.fix?.strategy, 'single-batch');
    // The lens and the report give the same figure for the low-volume call.
    assert.ok(lens.command!.title.includes(`$${row.wouldSave.toFixed(2)}/mo`), `${lens.command!.title} vs ${row.wouldSave}`);
  });

  test('the fix gate without a way to confirm: an unknown call gets comments only, and a forged confirming rewrite is refused', async () => {
    writeFileSync(join(root, UNKNOWN_FILE), UNKNOWN_SOURCE);
    const uri = await client.open(UNKNOWN_FILE);
    const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    assert.equal(d.code, 'BW002');
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.ok(actions.every((a) => (a.data as { action: string }).action !== 'rewrite-unknown' && (a.data as { action: string }).action !== 'rewrite'), actions.map((a) => a.title).join(', '));
    const seen = client.messages.length;
    const forged = (await client.connection.sendRequest('codeAction/resolve', { title: 'Batchwise', data: { ...(actions[0].data as object), action: 'rewrite-unknown' } })) as CodeAction;
    assert.equal(forged.edit, undefined);
    await client.until(() => client.messages[seen], 'the refusal');
    assert.match(client.messages[seen].message, /Rewrite it anyway with `batchwise fix --allow-unknown`/);
  });

  test('settings come from workspace/configuration and apply on didChangeConfiguration; the noise floor makes a small saving a hint', async () => {
    const uri = await client.open('scripts/backfill-embeddings.ts');
    assert.equal((await client.diagnosticsFor(uri, 1)).diagnostics[0].severity, 4, 'saves $0.06/mo: under the $1/mo noise floor');
    noiseFloor = 0;
    const before = client.diagnostics.length;
    await client.changeConfiguration();
    // (Diagnostics of an analysis that started before the change may arrive first: the change's own come after.)
    const warned = await client.until(() => client.diagnostics.slice(before).find((p) => p.uri === uri && p.diagnostics[0]?.severity === 2), 'a warning after the noise floor went to 0');
    assert.equal(warned.diagnostics.length, 1);
    const count = client.diagnostics.length;
    severity = 'error';
    await client.changeConfiguration();
    const republished = await client.until(() => client.diagnostics.slice(count).find((p) => p.uri === uri && p.diagnostics[0]?.severity === 1), 'an error after the severity setting changed');
    assert.equal(republished.diagnostics.length, 1);
    severity = 'warning';
    noiseFloor = 1;
  });
});

describe('batchwise lsp --stdio with a client that cannot resolve code actions', () => {
  test('the action carries the apply command; executed, the server sends the edit through workspace/applyEdit', async () => {
    const root = workspaceCopy();
    const capabilities = structuredClone(FULL_CAPABILITIES);
    delete capabilities.textDocument!.codeAction!.resolveSupport;
    const client = await start(root, { capabilities });
    try {
      const uri = await client.open(SUMMARIZE);
      const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics as Diagnostic[];
      const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
      const rewrite = actions[0];
      assert.equal(rewrite.command?.command, 'batchwise.applyCodeAction');
      const applied = await client.connection.sendRequest('workspace/executeCommand', { command: rewrite.command!.command, arguments: rewrite.command!.arguments });
      assert.equal(applied, true);
      const [sent] = client.appliedEdits;
      assert.equal(applyToText(readFileSync(join(root, SUMMARIZE), 'utf8'), sent.edit, uri), EXPECTED_REWRITE);
      // A stale one: the document moved on, the command is refused and nothing is sent.
      await client.change(uri, readFileSync(join(root, SUMMARIZE), 'utf8') + '\n');
      assert.equal(await client.connection.sendRequest('workspace/executeCommand', { command: rewrite.command!.command, arguments: rewrite.command!.arguments }), false);
      assert.equal(client.appliedEdits.length, 1);
    } finally {
      await client.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** A loop in an exported function no entry point reaches: verdict unknown, a shape the loop hoist takes. */
const UNKNOWN_FILE = 'src/lib/enrich.ts';
const UNKNOWN_SOURCE = `import { openai } from './openai';

export async function enrichAll(texts: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const text of texts) {
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: text }] });
    out.push(r.choices[0].message.content ?? '');
  }
  return out;
}
`;

describe('batchwise lsp --stdio: usage reports from the settings, a refactor preview, the fix gate\'s confirmation, a failing scan', () => {
  const USAGE = join(REPO_ROOT, 'test', 'fixtures', 'usage', 'reports');
  let root: string;
  let client: LspTestClient;
  let usage: string[] = [];

  before(async () => {
    root = workspaceCopy();
    mkdirSync(join(root, 'usage'));
    for (const f of ['openai-completions-1.json', 'openai-completions-2.json', 'anthropic-messages-1.json', 'anthropic-messages-2.json']) copyFileSync(join(USAGE, f), join(root, 'usage', f));
    writeFileSync(join(root, UNKNOWN_FILE), UNKNOWN_SOURCE);
    const capabilities = structuredClone(FULL_CAPABILITIES);
    capabilities.workspace!.workspaceEdit!.changeAnnotationSupport = { groupsOnLabel: true };
    process.env.BATCHWISE_TEST_HOOKS = '1';
    try {
      client = await start(root, { capabilities, settings: () => ({ usage }) });
    } finally {
      delete process.env.BATCHWISE_TEST_HOOKS;
    }
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('the usage setting: a scan reads the reports, the report reconciles, the open file\'s volume says "from usage report"', async () => {
    const uri = await client.open(SUMMARIZE);
    assert.match((await client.diagnosticsFor(uri, 1)).diagnostics[0].message as string, /at 5,000\/day, from a comment/);
    usage = ['usage/openai-completions-1.json', 'usage/openai-completions-2.json', join(root, 'usage', 'anthropic-messages-1.json'), 'usage/anthropic-messages-2.json'];
    const count = client.diagnostics.length;
    await client.changeConfiguration();
    // The server scans on its own once usage reports are set, then analyses the open files again.
    const calibrated = await client.until(
      () => client.diagnostics.slice(count).find((p) => p.uri === uri && /from usage report, 2026-11-01 – 2026-11-30/.test(String(p.diagnostics[0]?.message))),
      'the calibrated diagnostic',
    );
    assert.match(calibrated.diagnostics[0].message as string, /^Batchable, saves ≈ \$\d+\.\d\d\/mo at \d[\d,]*\/day, from usage report, 2026-11-01 – 2026-11-30: /);
    const report = (await client.connection.sendRequest('batchwise/report', {})) as {
      usage: { folder: string; reconciliation: { monthlySpend: number; monthlyUnplaced: number; monthlySavings: number; files: string[] } }[];
      rows: { file: string; volume: { label: string; source: string } }[];
    };
    assert.equal(report.usage.length, 1);
    const u = report.usage[0].reconciliation;
    // The same figures as `batchwise audit examples --usage …` (the CLI's usage tests check them by hand).
    assert.deepEqual([u.monthlySpend, u.monthlyUnplaced].map((n) => Math.round(n * 100) / 100), [36.04, 1.25]);
    assert.deepEqual(u.files, ['usage/openai-completions-1.json', 'usage/openai-completions-2.json', 'usage/anthropic-messages-1.json', 'usage/anthropic-messages-2.json']);
    assert.deepEqual(report.rows.find((r) => r.file === SUMMARIZE)!.volume.label, 'usage report');
  });

  test('a client with change annotations is offered a preview of the rewrite: its edit needs confirmation, the plain one does not', async () => {
    const uri = client.uri('evals/run-evals.ts');
    await client.open('evals/run-evals.ts');
    const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(actions.slice(0, 2).map((a) => a.title), [
      'Batchwise: Move to Anthropic Message Batches (loop hoist)',
      'Batchwise: Move to Anthropic Message Batches (loop hoist): preview the changes first',
    ]);
    const [plain, preview] = (await Promise.all(actions.slice(0, 2).map((a) => client.connection.sendRequest('codeAction/resolve', a)))) as CodeAction[];
    const confirm = (a: CodeAction) => Object.values(a.edit!.changeAnnotations!).map((x) => x.needsConfirmation);
    assert.deepEqual(confirm(plain), [false, false]);
    assert.deepEqual(confirm(preview), [true, true]);
    const ids = (a: CodeAction) => a.edit!.documentChanges!.map((c) => ('kind' in c ? c.annotationId : [...new Set((c as TextDocumentEdit).edits.map((e) => (e as { annotationId?: string }).annotationId))].join()));
    assert.deepEqual(ids(preview), ['batchwise.helper', 'batchwise.helper', 'batchwise.rewrite']);
    assert.equal(applyToText('', preview.edit!, client.uri('batchwise/anthropicBatch.ts')), applyToText('', plain.edit!, client.uri('batchwise/anthropicBatch.ts')));
  });

  test('the fix gate: a call whose context is unknown is offered its rewrite only with a confirmation, which says what is unknown', async () => {
    const uri = await client.open(UNKNOWN_FILE);
    const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    assert.equal(d.code, 'BW002');
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const title = 'Batchwise: Move to the OpenAI Batch API (loop hoist) anyway (the context is unknown: confirm in the preview)';
    assert.equal(actions[0].title, title);
    assert.equal(actions[0].isPreferred, false);
    const resolved = (await client.connection.sendRequest('codeAction/resolve', actions[0])) as CodeAction;
    const annotations = Object.values(resolved.edit!.changeAnnotations!);
    assert.deepEqual(annotations.map((a) => a.needsConfirmation), [true, true], 'nothing is applied until the user confirms');
    assert.match(annotations[0].description!, /^rewriting a call whose context is unknown \(.*no-entry-point: .*\): if a person waits for it, they will wait for a batch, up to 24 hours$/);
    // The plain rewrite, asked for by hand, is refused by the gate: the confirming action is the only way.
    const seen = client.messages.length;
    const plain = (await client.connection.sendRequest('codeAction/resolve', { title: 'Batchwise', data: { ...(actions[0].data as object), action: 'rewrite' } })) as CodeAction;
    assert.equal(plain.edit, undefined);
    await client.until(() => client.messages[seen], 'the refusal');
    assert.match(client.messages[seen].message, /verdict unknown: /);
  });

  test('a scan that fails: the report request fails with the error, and the status says so', async () => {
    await client.connection.sendRequest('batchwise/test/failNextScan', { message: 'the disk went away' });
    const seen = client.notifications.length;
    await assert.rejects(client.connection.sendRequest('batchwise/report', { rescan: true }), /the disk went away/);
    const status = client.notifications.slice(seen).filter((n) => n.method === 'batchwise/status').map((n) => n.params as { state: string });
    // An earlier test's scan may still report 'ready' after its answer: this scan's statuses start at its 'scanning'.
    const start = status.findIndex((s) => s.state === 'scanning');
    assert.deepEqual(status.slice(start), [{ state: 'scanning' }, { state: 'failed', message: 'the disk went away' }]);
    assert.ok(status.slice(0, start).every((s) => s.state === 'ready'), `statuses before this scan: ${JSON.stringify(status.slice(0, start))}`);
    const again = (await client.connection.sendRequest('batchwise/report', { rescan: true })) as { complete: boolean };
    assert.equal(again.complete, true, 'the next scan runs');
  });
});

describe('batchwise lsp --stdio: a fix that adds the official client to the package.json', () => {
  let root: string;
  let client: LspTestClient;
  const MANIFEST = '{\n  "name": "tagger",\n  "type": "module",\n  "dependencies": {\n    "@ai-sdk/openai": "^2.0.0",\n    "ai": "^5.0.0"\n  }\n}\n';
  const SCRIPT = "import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\n\nconst notes = ['a', 'b', 'c'];\nfor (const note of notes) {\n  const { text } = await generateText({ model: openai('gpt-4o-mini'), prompt: `Tag: ${note}` });\n  console.log(text);\n}\n";

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'bw-lsp-manifest-'));
    writeFileSync(join(root, 'package.json'), MANIFEST);
    writeFileSync(join(root, 'tag.ts'), SCRIPT);
    // An editor that shows change annotations (VS Code): the package.json edit carries its own.
    const workspaceEdit = { ...FULL_CAPABILITIES.workspace!.workspaceEdit, changeAnnotationSupport: { groupsOnLabel: true } };
    client = await start(root, { settings: () => ({ defaultCallsPerDay: 1000 }), capabilities: { ...FULL_CAPABILITIES, workspace: { ...FULL_CAPABILITIES.workspace, workspaceEdit } } });
  });
  after(async () => {
    assert.equal(await client.stop(), 0, 'exits 0 after shutdown and exit');
    rmSync(root, { recursive: true, force: true });
  });

  test('resolved, the edit adds it in the package.json, annotated; with the package.json open and changed, the fix is refused, saying so', async () => {
    const uri = await client.open('tag.ts');
    const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const rewrite = actions.find((a) => a.title === 'Batchwise: Move to the OpenAI Batch API (loop hoist)');
    assert.ok(rewrite, actions.map((a) => a.title).join('\n'));
    const resolved = (await client.connection.sendRequest('codeAction/resolve', rewrite)) as CodeAction;
    const manifestUri = client.uri('package.json');
    const edits = resolved.edit!.documentChanges!.filter((c): c is TextDocumentEdit => 'textDocument' in c && !('kind' in c) && (c.textDocument.uri === manifestUri || c.textDocument.uri === uri));
    // The rewritten file first (a client opens it beside the created helpers), then the package.json.
    assert.deepEqual(edits.map((c) => c.textDocument.uri), [uri, manifestUri]);
    const manifestEdit = edits[1];
    assert.equal(manifestEdit.textDocument.version, null);
    assert.deepEqual([...new Set(manifestEdit.edits.map((e) => (e as { annotationId?: string }).annotationId))], ['batchwise.manifest']);
    assert.deepEqual(JSON.parse(applyToText(MANIFEST, resolved.edit!, manifestUri)).dependencies, { '@ai-sdk/openai': '^2.0.0', ai: '^5.0.0', openai: '^7.57.0' });
    assert.match(resolved.edit!.changeAnnotations!['batchwise.manifest'].description ?? '', /"openai": "\^7\.57\.0" added to the dependencies of package\.json/);
    assert.match(applyToText(SCRIPT, resolved.edit!, uri), /runAiSdkBatch/);
    // The package.json open with other text than on disk: the edit would land in the wrong places.
    await client.open('package.json', MANIFEST.replace('"name": "tagger"', '"name": "tagger-2"'));
    const messagesBefore = client.messages.length;
    const again = (await client.connection.sendRequest('codeAction/resolve', rewrite)) as CodeAction;
    assert.equal(again.edit, undefined);
    await client.until(() => client.messages[messagesBefore], 'a message');
    assert.match(client.messages[messagesBefore].message, /it edits package\.json, which has changes the fix was not planned on; save it/);
  });
});
