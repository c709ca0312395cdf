// Child process of the bench: what the language server does when a file is opened and after an edit,
// timed. For each named file
// of <dir> (files where the audit found calls), a session analyses it once (the engine warm, as in an
// editor that has the file open), then the file is edited EDITS times, as the editor hands the server
// a new text, and each re-analysis is timed against a raw parse of the same text. Prints one JSON line
// (ReanalysisReport).
//   node out/bench/reanalysis.js <dir> <file>…
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkspaceSession } from '../src/workspace/session';
import { DEFAULT_OPTIONS } from '../src/core/model';
import { medianParseMs } from './editor';

export interface ReanalysisSample {
  file: string;
  /** The edited text's raw parse (median of 7 after 3 untimed), ms. */
  parseMs: number;
  /** The session's analysis of the edited file, ms. */
  analysisMs: number;
}

export interface ReanalysisReport {
  samples: ReanalysisSample[];
  /**
   * Each named file but the first, opened with the engine warm (the session has analysed the files
   * before it): its first analysis, ms, and its raw parse. The editor's goal: within the parse + 150 ms.
   */
  opened: ReanalysisSample[];
  /** The largest analysisMs − parseMs over `opened`; null without any. */
  worstOpenOverParseMs: number | null;
  /** 95th percentile of analysisMs / parseMs over the samples, and of analysisMs; null without samples. */
  p95Ratio: number | null;
  p95Ms: number | null;
}

const EDITS = 5;

/** The value at or above 95 % of the values (nearest rank). */
export function p95(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
}

function main(): void {
  const dir = resolve(process.argv[2] ?? '.');
  const files = process.argv.slice(3);
  const session = new WorkspaceSession(dir, DEFAULT_OPTIONS);
  const samples: ReanalysisSample[] = [];
  const opened: ReanalysisSample[] = [];
  for (const [n, file] of files.entries()) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    session.setOverlay(file, text);
    // The open file's first analysis (not a re-analysis); with the engine warm after the first file.
    const start = performance.now();
    session.analyzeFiles([file]);
    if (n > 0) opened.push({ file, parseMs: medianParseMs(file, text), analysisMs: performance.now() - start });
    for (let i = 0; i < EDITS; i++) {
      // A keystroke's worth of change at the end: the file still parses, its calls stay where they are.
      const edited = `${text}\n// edit ${i}\n`;
      session.setOverlay(file, edited);
      const start = performance.now();
      session.analyzeFiles([file]);
      const analysisMs = performance.now() - start;
      samples.push({ file, parseMs: medianParseMs(file, edited), analysisMs });
    }
  }
  const report: ReanalysisReport = {
    samples,
    opened,
    worstOpenOverParseMs: opened.length ? Math.max(...opened.map((o) => o.analysisMs - o.parseMs)) : null,
    p95Ratio: p95(samples.map((s) => s.analysisMs / Math.max(s.parseMs, 0.01))),
    p95Ms: p95(samples.map((s) => s.analysisMs)),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) main();
