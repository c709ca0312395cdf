// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one result per call that could move to
// a batch API (BW001) or whose context is unknown (BW002), with the savings as result properties.
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { AnalysisResult, Finding, Severity } from '../model';
import { cents, subCents } from './format';
import { DOCS_BASE, findingMessage, RULE_CODES } from './message';
import { computeTotals, costsNothing } from './totals';
import { usageJson } from './usage';
import { volumeText } from './volume';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const RULE_HELP: Record<string, string> = {
  BW001:
    'Nobody waits for this call: every path that reaches it starts at a script, a schedule, a loop over data or an eval. ' +
    "OpenAI's Batch API and Anthropic's Message Batches run the same requests at half the price within 24 hours. " +
    'Move the call to the batch path. The Batchwise Quick Fix does it for OpenAI chat completions, responses, embeddings and completions and Anthropic messages: ' +
    'a call made once per item of a loop, Promise.all map, p-map or p-limit fan-out is hoisted into one batch; ' +
    'a single call in a function called many times (a queue job, an event handler) goes through a batch queue.',
  BW002:
    'Batchwise found no entry point that tells whether a person waits for this call. State it in a comment above the call: ' +
    '"// batchwise: batch N/day" (nobody waits; N calls a day) or "// batchwise: user-waiting".',
};

/** SARIF has no 'information' or 'hint': both are notes, as in the editor they sit below warnings. */
const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function rule(kind: 'batchable' | 'unknown', severity: Severity): ReportingDescriptor {
  const r = RULE_CODES[kind];
  const helpUri = `${DOCS_BASE}${r.rule}.md`;
  return {
    id: r.code,
    name: r.rule,
    shortDescription: { text: r.title },
    fullDescription: { text: RULE_HELP[r.code] },
    help: { text: `${RULE_HELP[r.code]} See ${helpUri}`, markdown: `${RULE_HELP[r.code]}\n\n[Rule documentation](${helpUri})` },
    helpUri,
    defaultConfiguration: { level: kind === 'batchable' ? LEVEL[severity] : 'note' },
    properties: { tags: ['cost', 'llm', 'batch-api'], precision: kind === 'batchable' ? 'high' : 'low' },
  };
}

/** A path relative to %SRCROOT% as a URI reference: each segment percent-encoded, so '#', '?' and '%' stay part of the name. */
export function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function toResult(f: Finding, severity: Severity, fingerprint: string): Result {
  const batchable = f.classification.verdict === 'batchable';
  const e = f.estimate;
  return {
    ruleId: batchable ? RULE_CODES.batchable.code : RULE_CODES.unknown.code,
    ruleIndex: batchable ? 0 : 1,
    level: batchable && !f.lowVolume && !costsNothing(f) ? LEVEL[severity] : 'note',
    message: { text: findingMessage(f) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(f.site.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.site.loc.start.line, startColumn: f.site.loc.start.column + 1, endLine: f.site.loc.end.line, endColumn: f.site.loc.end.column + 1 },
        },
      },
    ],
    partialFingerprints: { 'batchwiseCallSite/v1': fingerprint },
    properties: {
      provider: f.site.provider,
      api: f.site.api,
      model: f.site.model,
      verdict: f.classification.verdict,
      confidence: f.classification.confidence,
      lowVolume: Boolean(f.lowVolume),
      monthlySavingsUsd: e ? cents(batchable && !f.lowVolume ? e.monthlySavings : 0) : null,
      monthlyStandardUsd: e ? cents(e.monthlyStandard) : null,
      monthlyBatchUsd: e ? cents(e.monthlyBatch) : null,
      callsPerDay: e?.callsPerDay ?? null,
      volumeSource: e?.volume.kind ?? null,
      volume: e ? volumeText(e) : null,
      ...(e?.perRun ? { perRun: { calls: e.perRun.calls, standardUsd: subCents(e.perRun.standard), batchUsd: subCents(e.perRun.batch), savingsUsd: subCents(batchable && !f.lowVolume ? e.perRun.savings : 0) } } : {}),
      evidence: f.classification.evidence.map((x) => `${x.rule}: ${x.message} (${x.file}:${x.line})`),
      assumptions: e?.assumptions ?? [],
      fix: f.fix?.strategy ?? null,
    },
  };
}

/**
 * What identifies a call site across commits without its line number (which moves with every edit
 * above it): the file, the call as written, the model and the enclosing function, and which of the
 * calls alike in all of that it is, counted from the top of the file.
 */
function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = `${f.site.file}|${f.site.callee}|${f.site.model ?? ''}|${f.site.enclosingFunction ?? ''}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n === 0 ? key : `${key}|${n + 1}`;
  });
}

/**
 * `rootUri` is the audited folder as a file:// URI ending in '/'. `severity` is the level of a
 * batchable result above the volume threshold (the project's `severity` setting); the rest are notes.
 */
export function toSarif(rootUri: string, result: AnalysisResult, version: string, severity: Severity = 'warning'): Log {
  const totals = computeTotals(result.findings);
  const reported = result.findings.filter((f) => f.classification.verdict !== 'user-waiting');
  const prints = fingerprints(reported);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Batchwise',
            semanticVersion: version,
            version,
            informationUri: 'https://github.com/batchwise/batchwise',
            rules: [rule('batchable', severity), rule('unknown', severity)],
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
        results: reported.map((f, i) => toResult(f, severity, prints[i])),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.errors.map((e) => ({
              level: 'warning' as const,
              message: { text: `${e.file}: ${e.message}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(e.file), uriBaseId: '%SRCROOT%' } } }],
            })),
          },
        ],
        properties: {
          callSites: totals.callSites,
          batchable: totals.batchable,
          monthlyStandardUsd: cents(totals.monthlyStandard),
          monthlyWithBatchUsd: cents(totals.monthlyWithBatch),
          monthlySavingsUsd: cents(totals.monthlySavings),
          ...(totals.perRunSites > 0 ? { perRunSites: totals.perRunSites, perRunStandardUsd: subCents(totals.perRunStandard), perRunSavingsUsd: subCents(totals.perRunSavings) } : {}),
          ...(result.usage ? { usage: usageJson(result.usage) } : {}),
        },
      },
    ],
  };
}
