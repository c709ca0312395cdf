// Editor figures come from the real-VS-Code runner (test/integration/runVSCode.ts): its suite logs
// `[batchwise figures] …` lines, and the runner keeps them in test-output/editor-figures.json. The
// bench reads the last such file (saying when it was written) and measures the raw parse of the file
// the suite opened warm, here, for the goal beside it. What the suite does not measure yet stays null.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseSource } from './engine';
import { ROOT } from './trees';

export interface EditorFigures {
  /** Extension activation, ms. */
  activationMs: number | null;
  /** From opening a file with calls to its first diagnostics, engine warm, ms; and that file's raw parse, ms. */
  firstDiagnosticsMs: number | null;
  rawParseMs: number | null;
  /** Longest time the extension host was blocked, ms. */
  longestBlockMs: number | null;
  /** Where the figures come from, in words (the run and when it wrote them). */
  source?: string;
}

/** The file the suite opens once the engine is warm (test/integration/suite/extension.test.ts). */
export const WARM_FILE = join('examples', 'scripts', 'tag-notes.ts');
export const FIGURES_FILE = join(ROOT, 'test-output', 'editor-figures.json');

/** The figures in the suite's `[batchwise figures]` lines; null for each one a line does not give. */
export function figuresFromLines(lines: readonly string[]): Pick<EditorFigures, 'activationMs' | 'firstDiagnosticsMs' | 'longestBlockMs'> {
  const number = (re: RegExp): number | null => {
    for (const line of lines) {
      const m = re.exec(line);
      if (m) return Number(m[1]) + (m[2] !== undefined ? Number(m[2]) : 0);
    }
    return null;
  };
  return {
    // The extension host's own account (bundle evaluated + activate()), else what the test saw.
    activationMs: number(/activation on the extension host: bundle evaluated in ([\d.]+) ms, activate\(\) ([\d.]+) ms/) ?? number(/\] activation: ([\d.]+) ms/),
    // Counted from the editor having the document (older runs logged only the time from the open request).
    firstDiagnosticsMs: number(/first diagnostics of another file \(engine warm\): ([\d.]+) ms after the editor had the document/) ?? number(/first diagnostics of another file \(engine warm\): ([\d.]+) ms/),
    longestBlockMs: number(/longest extension-host event-loop delay during the suite: ([\d.]+) ms/),
  };
}

/** The raw parse of a file, ms: the median of 7 parses after 3 untimed ones. */
export function rawParseMs(file: string): number | null {
  return existsSync(file) ? medianParseMs(file, readFileSync(file, 'utf8')) : null;
}

/** The raw parse of a text (as `file`), ms: the median of `runs` parses after `warmUps` untimed ones. */
export function medianParseMs(file: string, text: string, runs = 7, warmUps = 3): number {
  for (let i = 0; i < warmUps; i++) parseSource(file, text);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    parseSource(file, text);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function editorFigures(file = FIGURES_FILE): Promise<EditorFigures | null> {
  if (!existsSync(file)) return null;
  let kept: { writtenAt?: string; lines?: unknown };
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as typeof kept;
  } catch {
    return null;
  }
  const lines = Array.isArray(kept.lines) ? kept.lines.filter((l): l is string => typeof l === 'string') : [];
  if (lines.length === 0) return null;
  return {
    ...figuresFromLines(lines),
    rawParseMs: rawParseMs(join(ROOT, WARM_FILE)),
    source: `the last integration run (\`npm test\`), written ${kept.writtenAt ?? 'at an unknown time'} to test-output/editor-figures.json`,
  };
}
