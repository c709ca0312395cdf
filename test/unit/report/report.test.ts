import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUsd, formatTokens } from '../../../src/core/report/format';
import { computeTotals } from '../../../src/core/report/totals';
import { toJsonReport } from '../../../src/core/report/json';
import { toTable } from '../../../src/core/report/table';
import { findingMessage } from '../../../src/core/report/message';
import { toSarif } from '../../../src/core/report/sarif';
import type { Finding, Verdict } from '../../../src/core/model';

function finding(verdict: Verdict, monthlyStandard: number, lowVolume = false): Finding {
  return {
    site: {
      file: 'src/a.ts', loc: { start: { line: 3, column: 4 }, end: { line: 3, column: 40 } }, range: [10, 40], provider: 'openai',
      api: 'chat.completions', batchEndpoint: '/v1/chat/completions', model: 'gpt-4o', streaming: false, callee: 'c.chat.completions.create',
      enclosingFunction: null, request: { literalText: '', dynamicParts: 0, maxOutputTokens: null, choices: null }, annotation: null,
    },
    classification: { verdict, confidence: 0.9, evidence: [{ rule: 'npm-script', message: 'run by the npm script `x`', file: 'src/a.ts', line: 1 }] },
    estimate: { callsPerDay: 10, volume: { kind: 'default' }, inputTokens: 1, outputTokens: 1, monthlyStandard, monthlyBatch: monthlyStandard / 2, monthlySavings: monthlyStandard / 2, assumptions: ['a'] },
    fix: null,
    fixRefusal: null,
    ...(lowVolume ? { lowVolume } : {}),
  };
}

test('money and token formatting', () => {
  assert.equal(formatUsd(1234.567), '$1,234.57');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(0.001), '<$0.01');
  assert.equal(formatTokens(999), '999');
  assert.equal(formatTokens(25_000), '25k');
  assert.equal(formatTokens(8_000_000), '8M');
});

test('totals count savings only for batchable sites above the volume threshold', () => {
  const t = computeTotals([finding('batchable', 100), finding('batchable', 40, true), finding('user-waiting', 60), finding('unknown', 10)]);
  assert.deepEqual(
    [t.callSites, t.batchable, t.userWaiting, t.unknown, t.lowVolume, t.monthlyStandard, t.monthlySavings, t.monthlyWithBatch],
    [4, 2, 1, 1, 1, 210, 50, 160],
  );
});

test('JSON report: 1-based columns and money in cents', () => {
  const f = finding('batchable', 10.005);
  const doc = toJsonReport('/root', { findings: [f], errors: [{ file: 'x.ts', message: 'syntax error' }] });
  assert.equal(doc.findings[0].line, 3);
  assert.equal(doc.findings[0].column, 5);
  assert.equal(doc.findings[0].estimate!.monthlyStandard, 10.01);
  assert.deepEqual(doc.errors, [{ file: 'x.ts', message: 'syntax error' }]);
});

test('JSON report: an unsafe fix says what it changes; a safe one, and one that only changes when answers come, say nothing more', () => {
  const changes = 'a failed request throws the openai client\'s error, not LangChain\'s';
  const doc = toJsonReport('/root', {
    findings: [
      { ...finding('batchable', 10), fix: { strategy: 'batch-call', safe: false, changes } },
      { ...finding('batchable', 10), fix: { strategy: 'loop-hoist', safe: true } },
      { ...finding('batchable', 10), fix: { strategy: 'batch-queue', safe: false } },
    ],
    errors: [],
  });
  assert.deepEqual(doc.findings.map((f) => f.fix), [{ strategy: 'batch-call', safe: false, changes }, { strategy: 'loop-hoist', safe: true }, { strategy: 'batch-queue', safe: false }]);
});

test('table: colour only on request; long paths shortened from the left to fit', () => {
  const f = finding('batchable', 10);
  f.site.file = 'packages/very/deep/folder/structure/that/goes/on/src/a.ts';
  const plain = toTable({ findings: [f], errors: [] }, { color: false, width: 80 });
  assert.ok(!plain.includes('\u001b['));
  assert.ok(plain.split('\n').every((l) => l.length <= 80), plain);
  assert.match(plain, /…/);
  assert.match(toTable({ findings: [f], errors: [] }, { color: true }), /\u001b\[32mbatchable/);
  assert.match(toTable({ findings: [], errors: [] }, { color: false }), /No LLM API calls found/);
  // Too narrow for the volume column: it goes, and the line under the table still gives the sources.
  assert.doesNotMatch(plain, /VOLUME/);
  assert.match(plain, /^Volumes: 1 assumed\.$/m);
  assert.match(toTable({ findings: [f], errors: [] }, { color: false, width: 200 }), /VOLUME.*\n.*batchable +10\/day assumed/);
});

test('table: a huge model string is cut in its cell, so 2,000 rows stay printable (the JSON keeps it whole)', () => {
  const huge = 'token '.repeat(100_000);
  const rows = Array.from({ length: 2000 }, (_, i) => {
    const f = finding('batchable', 10);
    if (i === 7) f.site.model = huge;
    return f;
  });
  const table = toTable({ findings: rows, errors: [] }, { color: false });
  const lines = table.split('\n');
  assert.ok(lines.every((l) => l.length < 300), `longest line ${Math.max(...lines.map((l) => l.length))}`);
  assert.match(table, /token token .*…/);
  assert.equal(toJsonReport('/root', { findings: rows, errors: [] }).findings[7].model, huge);
});

test('messages name an AI SDK call by its function and its provider, and count requests in the singular when there is one', () => {
  const f = finding('batchable', 30);
  f.site = { ...f.site, api: 'ai-sdk.generateText', provider: 'anthropic', callee: 'generateText' };
  assert.match(findingMessage(f), /^AI SDK generateText call \(Anthropic model\) is batchable: run by the npm script `x`\. Moving it to the Batch API saves ≈ \$15\.00\/mo at 10\/day, assumed\.$/);
  const low = finding('batchable', 2, true);
  low.estimate = { ...low.estimate!, callsPerDay: 1 };
  assert.match(findingMessage(low), /at about 1 request a day \(assumed\) it is low volume/);
  low.estimate = { ...low.estimate!, callsPerDay: 40 };
  assert.match(findingMessage(low), /at about 40 requests a day \(assumed\) it is low volume/);
});

test('a batchable call that costs nothing (moderation) says batching saves nothing and is a SARIF note, not a warning', () => {
  const free = finding('batchable', 0);
  free.site.api = 'moderations';
  free.estimate = { ...free.estimate!, monthlyStandard: 0, monthlyBatch: 0, monthlySavings: 0 };
  const message = findingMessage(free);
  assert.match(message, /^OpenAI moderations call is batchable \(run by the npm script `x`\), but it costs nothing now, so the Batch API saves nothing; batch it only for throughput\.$/);
  assert.equal(toSarif('file:///w/', { findings: [free], errors: [] }, '0.0.0').runs[0].results![0].level, 'note');
  const paid = finding('batchable', 10);
  assert.equal(toSarif('file:///w/', { findings: [paid], errors: [] }, '0.0.0').runs[0].results![0].level, 'warning');
});
