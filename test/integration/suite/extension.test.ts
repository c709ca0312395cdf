// Batchwise in a real VS Code, on a copy of the example workspace.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BatchwiseApi } from '../../../src/vscode/extension';

const EXPECTED = join(__dirname, '..', '..', '..', '..', 'test', 'integration', 'suite', 'expected');
const folder = () => vscode.workspace.workspaceFolders![0].uri;
const fileUri = (rel: string) => vscode.Uri.joinPath(folder(), ...rel.split('/'));
const batchwiseDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'batchwise');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

let api: BatchwiseApi;

/** The comment Quick Fixes every BW001 diagnostic offers after its rewrite. */
const COMMENT_ACTIONS = [
  'Batchwise: Declare that a person waits for this call (// batchwise: user-waiting)',
  'Batchwise: Ignore this call (// batchwise-ignore-next-line)',
  'Batchwise: Ignore this file (// batchwise-ignore-file)',
];

/**
 * Resolves when Batchwise has (re)analysed the document as it is when the analysis lands; never a
 * fixed sleep. An analysis of an older version (other files' edits schedule analyses too) does not count.
 */
function analysed(uri: vscode.Uri, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no Batchwise analysis of ${uri.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = api.onDidUpdateDiagnostics((u) => {
      if (u.toString() !== uri.toString()) return;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc && api.analysedVersion(uri) !== doc.version) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** Resolves once `holds()` is true, checked now and after each analysis of `uri`; rejects after the deadline. */
function until(uri: vscode.Uri, holds: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  if (holds()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${what}: not so within ${timeoutMs} ms of analyses of ${uri.path}`));
    }, timeoutMs);
    const sub = api.onDidUpdateDiagnostics((u) => {
      if (u.toString() !== uri.toString() || !holds()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** Resolves when the diagnostics of `doc` were computed for its current text. */
function settled(doc: vscode.TextDocument): Promise<void> {
  return until(doc.uri, () => api.analysedVersion(doc.uri) === doc.version, `analysis of version ${doc.version}`);
}

async function open(rel: string): Promise<vscode.TextDocument> {
  const uri = fileUri(rel);
  const alreadyOpen = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  const done = alreadyOpen ? Promise.resolve() : analysed(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  await done;
  return doc;
}

/** The code actions at `range` as the light bulb offers them, resolved as when one is chosen (their edits computed). */
function resolvedActions(doc: vscode.TextDocument, range: vscode.Range): Thenable<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value, 10);
}

/**
 * Chooses Batchwise's first Quick Fix at `range` as the light bulb does (VS Code resolves it through the
 * language server and applies its edit), and resolves once the document has changed.
 */
async function chooseFirstFix(doc: vscode.TextDocument, range: vscode.Range, timeoutMs = 30_000): Promise<void> {
  await vscode.window.showTextDocument(doc, { selection: range, preview: false });
  const before = doc.version;
  const changed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the Quick Fix did not change ${doc.uri.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc || doc.version === before) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
  await vscode.commands.executeCommand('editor.action.codeAction', { kind: 'quickfix.batchwise', apply: 'first' });
  await changed;
}

function positionOf(doc: vscode.TextDocument, needle: string): vscode.Position {
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not found`);
  return doc.positionAt(offset);
}

suite('Batchwise in VS Code', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<BatchwiseApi>('batchwise.batchwise');
    assert.ok(ext, 'the extension is installed');
    // Figures for the log, not assertions (speed goals live in bench/): the extension is not active
    // yet (no JS/TS file is open), so this is the bundle's load plus activate().
    const started = Date.now();
    api = await ext.activate();
    console.log(`[batchwise figures] activation: ${Date.now() - started} ms as the test sees it (ext.activate())`);
    // Reported by the extension itself (absent before the language server: then only the line above).
    const own = (api as Partial<BatchwiseApi>).activationTimes?.();
    if (own) console.log(`[batchwise figures] activation on the extension host: bundle evaluated in ${own.loadMs?.toFixed(1)} ms, activate() ${own.activateMs.toFixed(1)} ms`);
  });

  test('a batchable call gets a BW001 diagnostic with its reason, saving, rule link and exact range', async () => {
    const started = Date.now();
    let serverReady: number | undefined;
    void api.serverProcessId?.().then(() => (serverReady = Date.now() - started));
    const doc = await open('scripts/summarize-nightly.ts');
    console.log(`[batchwise figures] first diagnostics (cold, file opened → its analysis applied): ${Date.now() - started} ms${serverReady === undefined ? '' : ` (the language server answered initialize after ${serverReady} ms)`}`);
    const diags = batchwiseDiagnostics(doc.uri);
    assert.equal(diags.length, 1, JSON.stringify(diags.map((d) => d.message)));
    const d = diags[0];
    assert.equal(codeOf(d), 'BW001');
    assert.ok(typeof d.code === 'object' && d.code.target.toString().endsWith('/docs/rules/batchable-llm-call.md'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /^OpenAI chat\.completions call is batchable: reached only from scripts\/summarize-nightly\.ts \(run by the npm script `summarize`/);
    assert.match(d.message, /also declared in a comment/);
    assert.match(d.message, /saves ≈ \$\d[\d,]*\.\d\d\/mo/);
    const start = positionOf(doc, 'openai.chat.completions.create(');
    assert.deepEqual([d.range.start.line, d.range.start.character], [start.line, start.character]);
    assert.equal(doc.getText(d.range).startsWith('openai.chat.completions.create({'), true);
    assert.ok(doc.getText(d.range).endsWith('})'));
    // Once the engine is warm: another file, opened for the first time.
    const warmStart = Date.now();
    await open('scripts/tag-notes.ts');
    console.log(`[batchwise figures] first diagnostics of another file (engine warm): ${Date.now() - warmStart} ms`);
  });

  test('the CLI and the editor report the same call sites and verdicts', async () => {
    const ext = vscode.extensions.getExtension('batchwise.batchwise')!;
    const cli = join(ext.extensionPath, 'dist', 'cli.js');
    const out = execFileSync(process.execPath, [cli, 'audit', folder().fsPath, '--format', 'json'], { encoding: 'utf8' });
    const report = JSON.parse(out) as { findings: { file: string; line: number; column: number; verdict: string }[] };
    assert.ok(report.findings.length >= 8);
    const fromCli = report.findings
      .filter((f) => f.verdict !== 'user-waiting')
      .map((f) => `${f.file}:${f.line}:${f.column} ${f.verdict === 'batchable' ? 'BW001' : 'BW002'}`)
      .sort();
    const fromEditor: string[] = [];
    for (const file of [...new Set(report.findings.map((f) => f.file))]) {
      const doc = await open(file);
      for (const d of batchwiseDiagnostics(doc.uri)) fromEditor.push(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)}`);
    }
    assert.deepEqual(fromEditor.sort(), fromCli);
  });

  test('the engine runs in the language server, a process of its own, never on the extension host', async () => {
    const pid = await api.serverProcessId();
    assert.equal(typeof pid, 'number');
    assert.notEqual(pid, process.pid);
  });

  test('calls a person waits for get no diagnostic: the streaming chat route and the shared helper', async () => {
    for (const rel of ['src/app/api/chat/route.ts', 'src/lib/classify-ticket.ts', 'src/server/express-app.ts']) {
      const doc = await open(rel);
      assert.deepEqual(batchwiseDiagnostics(doc.uri).map((d) => d.message), [], rel);
    }
  });

  test('a low-volume cron job is a hint, not a warning', async () => {
    const doc = await open('src/jobs/digest-cron.ts');
    const [d] = batchwiseDiagnostics(doc.uri);
    assert.equal(codeOf(d), 'BW001');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Hint);
    assert.match(d.message, /low volume/);
  });

  test('the hover shows the evidence chain and every assumption of the estimate', async () => {
    const doc = await open('scripts/summarize-nightly.ts');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'completions.create'));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /Batchwise: batchable/);
    assert.match(text, /`npm-script`/);
    assert.match(text, /`declared-context`/);
    assert.match(text, /Assumptions/);
    assert.match(text, /5,000 calls\/day, from the comment/);
    assert.match(text, /Quick Fix/);
  });

  test('the savings report lists every call site with totals', async () => {
    const rows = await vscode.commands.executeCommand<number>('batchwise.showReport');
    assert.equal(rows, 8);
  });

  test('a CodeLens above each batchable call states the monthly saving', async () => {
    const doc = await open('scripts/summarize-nightly.ts');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.equal(titles.length, 1, titles.join(' | '));
    assert.match(titles[0], /^Batch API: save ≈ \$\d[\d,]*\.\d\d\/mo$/);
    assert.equal(lenses[0].range.start.line, positionOf(doc, 'openai.chat.completions.create(').line);
  });

  test('settings apply live: severity and volume change the diagnostics without a reload', async () => {
    const doc = await open('scripts/backfill-embeddings.ts');
    const config = vscode.workspace.getConfiguration('batchwise');
    const saving = () => Number(/saves ≈ \$([\d,.]+)\/mo/.exec(batchwiseDiagnostics(doc.uri)[0].message)![1].replace(/,/g, ''));
    const before = saving();
    assert.equal(batchwiseDiagnostics(doc.uri)[0].severity, vscode.DiagnosticSeverity.Warning);
    try {
      let updated = analysed(doc.uri);
      await config.update('severity', 'error', vscode.ConfigurationTarget.Global);
      await updated;
      assert.equal(batchwiseDiagnostics(doc.uri)[0].severity, vscode.DiagnosticSeverity.Error);
      updated = analysed(doc.uri);
      await config.update('defaultCallsPerDay', 10_000, vscode.ConfigurationTarget.Global);
      await updated;
      assert.ok(Math.abs(saving() - before * 10) <= 0.1, `${before} → ${saving()}`);
    } finally {
      const reset = analysed(doc.uri);
      await config.update('severity', undefined, vscode.ConfigurationTarget.Global);
      await config.update('defaultCallsPerDay', undefined, vscode.ConfigurationTarget.Global);
      await reset;
    }
  });

  test('the status bar shows the workspace savings and the report exports as CSV', async () => {
    await vscode.commands.executeCommand('batchwise.showReport');
    assert.match(api.statusText(), /^\$\(graph\) \$\d[\d,]*\.\d\d\/mo$/);
    const target = fileUri('report.csv');
    const written = await api.exportReport('csv', target);
    assert.equal(written?.toString(), target.toString());
    const csv = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
    assert.match(csv.split('\n')[0], /^file,line,column,provider,api,model,verdict/);
    assert.equal(csv.trim().split('\n').length, 1 + 8);
  });

  test('a stale Quick Fix is refused and changes nothing', async () => {
    const doc = await open('scripts/summarize-nightly.ts');
    const before = doc.getText();
    const start = doc.offsetAt(positionOf(doc, 'openai.chat.completions.create('));
    const applied = await vscode.commands.executeCommand<boolean>('batchwise.applyFix', doc.uri, doc.version - 1, start, start + 10);
    assert.equal(applied, false);
    assert.equal(doc.getText(), before);
  });

  test('the Quick Fix rewrites the loop to the Batch API and adds the helper module', async () => {
    const doc = await open('scripts/summarize-nightly.ts');
    const [d] = batchwiseDiagnostics(doc.uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const fix = actions.find((a) => a.title === 'Batchwise: Move to the OpenAI Batch API (loop hoist)');
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.notEqual(fix.isPreferred, true, 'a change of timing is never a preferred (auto-applied) fix');
    await chooseFirstFix(doc, d.range);
    assert.equal(doc.getText(), readFileSync(join(EXPECTED, 'summarize-nightly.ts.txt'), 'utf8'));
    const helper = await vscode.workspace.fs.readFile(fileUri('batchwise/openaiBatch.ts'));
    assert.match(Buffer.from(helper).toString('utf8'), /^\/\/ Generated by Batchwise\./);
    assert.match(Buffer.from(helper).toString('utf8'), /export (async )?function runChatCompletionsBatch\(/);
    await settled(doc);
    assert.deepEqual(batchwiseDiagnostics(doc.uri).map((x) => x.message), [], 'no finding is left at the rewritten site');
  });

  test('an Anthropic call in a Promise.all map is offered the Message Batches Quick Fix', async () => {
    const doc = await open('evals/run-evals.ts');
    const [d] = batchwiseDiagnostics(doc.uri);
    assert.equal(codeOf(d), 'BW001');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    assert.deepEqual(actions.filter((a) => a.title.startsWith('Batchwise:')).map((a) => a.title), [
      'Batchwise: Move to Anthropic Message Batches (loop hoist)',
      ...COMMENT_ACTIONS,
    ]);
  });

  test('a Vercel AI SDK call is reported with its provider and model, and offered comments but no rewrite', async () => {
    const doc = await open('scripts/tag-notes.ts');
    const [d, ...rest] = batchwiseDiagnostics(doc.uri);
    assert.equal(rest.length, 0);
    assert.equal(codeOf(d), 'BW001');
    assert.match(d.message, /^AI SDK generateText call \(OpenAI model\) is batchable: reached only from scripts\/tag-notes\.ts \(run by the npm script `tag`/);
    assert.equal(doc.getText(d.range).startsWith('generateText({'), true);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    assert.deepEqual(actions.filter((a) => a.title.startsWith('Batchwise:')).map((a) => a.title), COMMENT_ACTIONS);
  });

  test('a comment Quick Fix declares that a person waits: the diagnostic goes, and comes back when the file is reverted', async () => {
    const doc = await open('evals/run-evals.ts');
    const before = doc.getText();
    const [d] = batchwiseDiagnostics(doc.uri);
    const actions = await resolvedActions(doc, d.range);
    const declare = actions.find((a) => a.title === COMMENT_ACTIONS[0]);
    assert.ok(declare?.edit);
    assert.equal(await vscode.workspace.applyEdit(declare.edit), true);
    const lines = doc.getText().split('\n');
    const at = lines.findIndex((l) => l.includes('claude.messages.create('));
    assert.ok(at > 0, 'the call is in the file');
    assert.equal(lines[at - 1], `${/^\s*/.exec(lines[at])![0]}// batchwise: user-waiting`, 'the comment sits on the line above the call, indented like it');
    assert.equal(doc.getText().replace(lines[at - 1] + '\n', ''), before, 'nothing else changed');
    // Waited for by version, after the edit: an analysis of the text before it (another file's edit
    // re-analyses the open ones) may still arrive, and says nothing about this version.
    await settled(doc);
    assert.deepEqual(batchwiseDiagnostics(doc.uri), [], 'a call a person waits for has no diagnostic');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await settled(doc);
    assert.equal(doc.getText(), before);
    assert.deepEqual(batchwiseDiagnostics(doc.uri).map(codeOf), ['BW001']);
  });

  test('editing a caller re-decides the calls of other open files: the shared helper becomes batchable when the route stops calling it', async () => {
    const helper = await open('src/lib/classify-ticket.ts');
    assert.deepEqual(batchwiseDiagnostics(helper.uri), [], 'the support form waits for the helper');
    // Both stay open, side by side: a document whose editor closes is no longer analysed.
    await vscode.window.showTextDocument(helper, { preview: false });
    const routeUri = fileUri('src/app/api/tickets/route.ts');
    const routeOpened = vscode.workspace.textDocuments.some((d) => d.uri.toString() === routeUri.toString()) ? Promise.resolve() : analysed(routeUri);
    const route = await vscode.workspace.openTextDocument(routeUri);
    await vscode.window.showTextDocument(route, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    await routeOpened;
    const before = route.getText();
    // Unsaved: the route no longer calls the helper, so only the nightly script does.
    const edit = new vscode.WorkspaceEdit();
    const call = route.getText().indexOf('await classifyTicket(text)');
    edit.replace(route.uri, new vscode.Range(route.positionAt(call), route.positionAt(call + 'await classifyTicket(text)'.length)), `'other'`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    // Other analyses of the helper may land first (earlier edits schedule them too): wait for the verdict itself.
    await until(helper.uri, () => batchwiseDiagnostics(helper.uri).length > 0, 'the helper gets a diagnostic');
    const [d] = batchwiseDiagnostics(helper.uri);
    assert.equal(d && codeOf(d), 'BW001');
    assert.match(d.message, /reached only from scripts\/reclassify-tickets\.ts/);
    // Back as it was (the edit undone, then saved as the same text): the helper is user-waiting again.
    const undo = new vscode.WorkspaceEdit();
    undo.replace(route.uri, new vscode.Range(route.positionAt(call), route.positionAt(call + `'other'`.length)), 'await classifyTicket(text)');
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.equal(route.getText(), before);
    await route.save();
    await until(helper.uri, () => batchwiseDiagnostics(helper.uri).length === 0, 'the helper loses its diagnostic');
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
  });

  test('a single call in a cron callback is offered the batch queue, never as the preferred fix', async () => {
    const doc = await open('src/jobs/digest-cron.ts');
    const [d] = batchwiseDiagnostics(doc.uri);
    assert.ok(d, 'the cron job has a finding');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const ours = actions.filter((a) => a.title.startsWith('Batchwise:'));
    assert.deepEqual(ours.map((a) => a.title), ['Batchwise: Gather calls into Anthropic Message Batches (batch queue)', ...COMMENT_ACTIONS]);
    assert.ok(ours.every((a) => !a.isPreferred));
  });

  test('applying the batch queue rewrites the call, adds the queue once and creates both helpers', async () => {
    const doc = await open('src/jobs/digest-cron.ts');
    const [d] = batchwiseDiagnostics(doc.uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    assert.equal(actions.filter((a) => a.title.startsWith('Batchwise:'))[0]?.title, 'Batchwise: Gather calls into Anthropic Message Batches (batch queue)');
    await chooseFirstFix(doc, d.range);
    const text = doc.getText();
    assert.doesNotMatch(text, /anthropic\.messages\.create\(/);
    assert.match(text, /const digest = await batchwiseMessagesQueue\.add\(\{\n    model: DIGEST_MODEL,/);
    assert.equal(text.match(/new BatchQueue\(/g)?.length, 1);
    assert.ok(text.indexOf("import { BatchQueue }") < text.indexOf('new BatchQueue('), 'the queue is declared after the imports it needs');
    assert.match(text, /^import \{ runMessagesBatch \} from '\.\.\/\.\.\/batchwise\/anthropicBatch';$/m);
    assert.match(text, /^import \{ BatchQueue \} from '\.\.\/\.\.\/batchwise\/batchQueue';$/m);
    for (const [file, exported] of [['batchwise/anthropicBatch.ts', /export async function runMessagesBatch\(/], ['batchwise/batchQueue.ts', /export class BatchQueue</]] as const) {
      const content = Buffer.from(await vscode.workspace.fs.readFile(fileUri(file))).toString('utf8');
      assert.match(content, /^\/\/ Generated by Batchwise\./);
      assert.match(content, exported);
    }
    await settled(doc);
    assert.deepEqual(batchwiseDiagnostics(doc.uri).map((x) => x.message), [], 'no finding is left at the rewritten site');
  });

  test('a call a person waits for gets no Quick Fix', async () => {
    const doc = await open('src/app/api/chat/route.ts');
    assert.deepEqual(batchwiseDiagnostics(doc.uri), []);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(5, 0, 9, 0));
    assert.deepEqual(actions.filter((a) => a.title.startsWith('Batchwise:')).map((a) => a.title), []);
  });
});
