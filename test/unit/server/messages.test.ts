// What the editor says about the example workspace's calls: the diagnostic's range and wording, the
// CodeLens, the hover (rendered by a real CommonMark renderer, as editors do), and why a batch queue that could
// only send batches of one is not offered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { findPrice } from '../../../src/core/estimate/prices';
import { WorkspaceSession } from '../../../src/workspace/session';
import { calleeOffsets, toDiagnostic } from '../../../src/server/diagnostics';
import { evidenceLine, hoverMarkdown, markdownText } from '../../../src/server/hover';
import { savingsLenses } from '../../../src/server/codeLens';
import { diagnosticMessage, lensTitle } from '../../../src/server/messages';
import { REPO_ROOT } from '../helpers';

const session = new WorkspaceSession(join(REPO_ROOT, 'examples'), DEFAULT_OPTIONS);
const findings = session.analyzeAll().findings;
const at = (file: string) => findings.find((f) => f.site.file === file)!;
const textOf = (file: string) => readFileSync(join(REPO_ROOT, 'examples', file), 'utf8');
const md = new MarkdownIt({ linkify: true });

/** The links of rendered Markdown, and its text as a reader sees it. */
function rendered(markdown: string): { links: string[]; text: string } {
  const links: string[] = [];
  let text = '';
  const walk = (tokens: ReturnType<MarkdownIt['parse']>) => {
    for (const t of tokens) {
      if (t.type === 'link_open') links.push(t.attrGet('href')!);
      if (t.type === 'text' || t.type === 'code_inline') text += t.content;
      if (t.type === 'paragraph_close' || t.type === 'list_item_close') text += '\n';
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(markdown, {}));
  return { links, text };
}

test('the diagnostic marks the callee, not the whole call', () => {
  const f = at('scripts/summarize-nightly.ts');
  const text = textOf(f.site.file);
  const [from, to] = calleeOffsets(f, text);
  assert.equal(text.slice(from, to), 'openai.chat.completions.create');
  const doc = TextDocument.create('file:///x.ts', 'typescript', 1, text);
  const d = toDiagnostic(f, { severity: 'warning', noiseFloor: 1 }, text, (o) => doc.positionAt(o))!;
  assert.equal(d.range.start.line, d.range.end.line, 'one line, where the whole call spans eight');
  assert.equal(doc.getText(d.range), 'openai.chat.completions.create');
  // A chain broken over lines, and a wrapper function.
  const broken = 'const r = await openai\n  .chat.completions\n  .create({ model: "gpt-4o" });';
  const start = broken.indexOf('openai');
  const site = { ...f.site, callee: 'openai.chat.completions.create', range: [start, broken.length - 1] as [number, number] };
  assert.equal(broken.slice(...calleeOffsets({ ...f, site }, broken)), 'openai\n  .chat.completions\n  .create');
  const tag = at('scripts/tag-notes.ts');
  assert.equal(textOf(tag.site.file).slice(...calleeOffsets(tag, textOf(tag.site.file))), 'generateText');
});

test('the message starts with the verdict and the saving, with its volume source, then the reason', () => {
  const f = at('scripts/summarize-nightly.ts');
  const message = diagnosticMessage(f, 1);
  assert.ok(message.startsWith(`Batchable, saves ≈ $${f.estimate!.monthlySavings.toFixed(2)}/mo at 5,000/day, from a comment: reached only from scripts/summarize-nightly.ts`), message);
  assert.match(message, /OpenAI chat\.completions call; a Quick Fix is available\.$/);
  const tag = at('scripts/tag-notes.ts');
  const assumed = diagnosticMessage(tag, 1);
  assert.ok(assumed.startsWith(`Batchable, saves ≈ $${tag.estimate!.monthlySavings.toFixed(2)}/mo at 1,000/day, assumed: reached only from scripts/tag-notes.ts`), assumed);
  // The 2-case eval: 2 calls a run, read from its literal list; how often it runs is not in the code.
  const evals = diagnosticMessage(at('evals/run-evals.ts'), 1);
  assert.match(evals, /^Batchable, low volume: would save ≈ <\$0\.01 per run at 2\/run, from code \(runs per day unknown\), not counted/);
});

test('below the noise floor a batchable call is a hint that says so; at floor 0 it is a warning', () => {
  // A one-off backfill: its figure is per run, and a run's saving is under the floor.
  const f = at('scripts/backfill-embeddings.ts');
  assert.ok(f.estimate!.perRun!.savings < 1);
  const text = textOf(f.site.file);
  const doc = TextDocument.create('file:///x.ts', 'typescript', 1, text);
  const hint = toDiagnostic(f, { severity: 'warning', noiseFloor: 1 }, text, (o) => doc.positionAt(o))!;
  assert.equal(hint.severity, 4);
  assert.match(hint.message as string, /^Batchable, saves ≈ <\$0\.01 per run at 1,000\/run, one-off script, calls per run assumed \(under the \$1\.00 noise floor\): /);
  assert.equal(toDiagnostic(f, { severity: 'warning', noiseFloor: 0 }, text, (o) => doc.positionAt(o))!.severity, 2);
  assert.equal(toDiagnostic(f, { severity: 'error', noiseFloor: f.estimate!.perRun!.savings / 2 }, text, (o) => doc.positionAt(o))!.severity, 1);
  assert.match(lensTitle(f, 1), /^Batch API: save ≈ <\$0\.01 per run \(1,000\/run, one-off script, calls per run assumed\), under the \$1\.00 noise floor$/);
  // A monthly figure under the floor says /mo.
  const tag = at('scripts/tag-notes.ts');
  assert.match(lensTitle(tag, 5), /^Batch API: save ≈ \$\d+\.\d\d\/mo \(1,000\/day, assumed\), under the \$5\.00\/mo noise floor$/);
});

test('the CodeLens gives the saving and its volume source; a low-volume call the amount it would save', () => {
  const lenses = savingsLenses(findings, 1).map((l) => l.command!.title);
  const tag = at('scripts/tag-notes.ts');
  assert.ok(lenses.includes(`Batch API: save ≈ $${tag.estimate!.monthlySavings.toFixed(2)}/mo (1,000/day, assumed)`), lenses.join(' | '));
  assert.ok(lenses.includes('Batch API: low volume, would save ≈ <$0.01 per run (2/run, from code (runs per day unknown))'), lenses.join(' | '));
  const cron = at('src/jobs/digest-cron.ts');
  assert.equal(cron.lowVolume, true);
  assert.equal(lensTitle(cron, 1), `Batch API: low volume, would save ≈ $${cron.estimate!.monthlySavings.toFixed(2)}/mo (1/day, from a cron schedule)`);
  assert.match(diagnosticMessage(cron, 1), /^Batchable, low volume: would save ≈ \$0\.24\/mo at 1\/day, from a cron schedule, not counted/);
});

test('the hover: the volume first, a valid pricing link, evidence without repeated places, never the diagnostic again', () => {
  const f = at('scripts/summarize-nightly.ts');
  const hover = hoverMarkdown(f, 1);
  const { links, text } = rendered(hover);
  const lines = text.split('\n').filter(Boolean);
  assert.match(lines[0], /^Volume: 5,000 calls\/day, from the comment "batchwise: batch 5000\/day" · \$27\.41\/mo now → \$13\.7\d\/mo on batch$/);
  assert.ok(text.indexOf('Volume:') < text.indexOf('Evidence'));
  const source = findPrice(f.site.model!)!.source;
  assert.ok(links.includes(source), `links ${JSON.stringify(links)} lack ${source}`);
  assert.doesNotMatch(text, /\\/, 'no escape shows as a backslash');
  assert.doesNotMatch(text, /\((scripts\/summarize-nightly\.ts:9)\) \(\1\)/, 'a place is not given twice');
  assert.match(text, /called once per iteration of the loop at scripts\/summarize-nightly\.ts:9\n/);
  const message = diagnosticMessage(f, 1);
  assert.ok(!text.includes(message) && !text.includes(message.split(':')[0]), 'the hover does not restate the diagnostic');
});

test('calls per day are counted in words: "1 call/day", not "1 calls/day"', () => {
  const { text } = rendered(hoverMarkdown(at('src/jobs/digest-cron.ts'), 1));
  assert.match(text, /^Volume: 1 call\/day, from the cron schedule '0 6 \* \* \*' \(one call per run\)/);
  assert.doesNotMatch(text, /\b1 calls\/day/);
});

test('markdownText keeps punctuation literal and web addresses whole', () => {
  const { links, text } = rendered(markdownText('Prices (checked 2026-11-25, https://docs.anthropic.com/en/docs/about-claude/pricing). *Not* _markup_ [x](y) <b>'));
  assert.deepEqual(links, ['https://docs.anthropic.com/en/docs/about-claude/pricing']);
  assert.equal(text.trim(), 'Prices (checked 2026-11-25, https://docs.anthropic.com/en/docs/about-claude/pricing). *Not* _markup_ [x](y) <b>');
  assert.equal(evidenceLine({ message: 'at a.ts:3', file: 'a.ts', line: 3 }), 'at a.ts:3');
  assert.equal(evidenceLine({ message: 'reached from a.ts', file: 'a.ts', line: 3 }), 'reached from a.ts (a.ts:3)');
});

test('a call made once per cron run is offered a batch of one, for review, and the hover says the run waits for it', () => {
  const cron = at('src/jobs/digest-cron.ts');
  assert.equal(cron.classification.verdict, 'batchable');
  assert.equal(cron.fix?.strategy, 'single-batch');
  assert.equal(cron.fix?.safe, false);
  assert.equal(cron.fixRefusal, null);
  assert.match(rendered(hoverMarkdown(cron, 1)).text, /Quick Fix: single-batch \(review carefully\): the call is made once per run of the cron schedule '0 6 \* \* \*' \(one call per run\): its one request now goes as a batch of one, at half the price, and the run waits for that batch/);
  // A loop in a script gets its loop hoist.
  assert.equal(at('scripts/summarize-nightly.ts').fix?.strategy, 'loop-hoist');
});
