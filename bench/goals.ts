// The goals of issue 11, as the bench judges them. They live here and in the bench's output, never
// in timed tests.

export type Verdict = 'met' | 'not met' | 'n/a';

export interface TreeFigures {
  files: number;
  auditColdSec: number | null;
  auditWarmSec: number | null;
  parseAllSec: number | null;
  floorSec: number | null;
  /** The larger of the cold and warm audits' peaks. */
  auditPeakMb: number | null;
}

export const GOALS = {
  /** Cold audit at least this many times faster than parsing every file. */
  coldVsParseAll: 20,
  /** Cold audit at most this many times the ripgrep scan for SDK tokens. */
  coldVsFloor: 10,
  /** Warm audit (content-hash cache, tree unchanged) at least this many times faster than parse-all. */
  warmVsParseAll: 100,
  /** Peak RSS of an audit, MB. The issue sets it for a 10,000-file tree; a smaller tree must not need more. */
  peakMb: 300,
  /** Each pathological single-file input: seconds of audit wall time beyond the start-up baseline. */
  syntheticSec: 2,
  editor: {
    activationMs: 50,
    /** Over the file's raw parse time. */
    firstDiagnosticsOverParseMs: 150,
    /** Times the file's raw parse time, 95th percentile. */
    reanalysisP95OverParse: 1.2,
    longestBlockMs: 50,
  },
} as const;

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b <= 0 ? null : a / b;
}

export interface TreeJudgement {
  auditOverParseAll: number | null;
  auditOverFloor: number | null;
  warmOverParseAll: number | null;
  coldVsParseAll: Verdict;
  coldVsFloor: Verdict;
  warmVsParseAll: Verdict;
  peak: Verdict;
}

const verdict = (value: number | null, ok: (v: number) => boolean): Verdict => (value === null ? 'n/a' : ok(value) ? 'met' : 'not met');

export function judgeTree(f: TreeFigures): TreeJudgement {
  const auditOverParseAll = ratio(f.auditColdSec, f.parseAllSec);
  const auditOverFloor = ratio(f.auditColdSec, f.floorSec);
  const warmOverParseAll = ratio(f.auditWarmSec, f.parseAllSec);
  return {
    auditOverParseAll,
    auditOverFloor,
    warmOverParseAll,
    coldVsParseAll: verdict(auditOverParseAll, (r) => r <= 1 / GOALS.coldVsParseAll),
    coldVsFloor: verdict(auditOverFloor, (r) => r <= GOALS.coldVsFloor),
    warmVsParseAll: verdict(warmOverParseAll, (r) => r <= 1 / GOALS.warmVsParseAll),
    peak: verdict(f.auditPeakMb, (mb) => mb <= GOALS.peakMb),
  };
}

/**
 * A single-file input meets its goal when the audit analysed it (a file skipped as too large or
 * minified has not had its prompt counted) within the bound beyond the start-up every audit pays.
 */
export function judgeSynthetic(r: { seconds: number | null; baselineSeconds: number; timedOut: boolean; analysed: boolean }): Verdict {
  if (r.timedOut || !r.analysed) return 'not met';
  return verdict(r.seconds === null ? null : r.seconds - r.baselineSeconds, (s) => s < GOALS.syntheticSec);
}
