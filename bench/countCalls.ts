// Preloaded (`node --require`) into an unbundled audit by bench/profile.ts: counts what the engine
// does to a tree — files through the prefilter, files parsed, bytes parsed, time in the parser —
// and writes it as JSON to $BENCH_COUNT_FILE when the process exits. Wraps the engine's exported
// functions in place; changes no result.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { hasSdkToken } from './engine';

export interface EngineCounts {
  prefilterCalls: number;
  prefilterPassed: number;
  /** Files the prefilter saw that contain an SDK marker. */
  sdkTokenFiles: number;
  parseCalls: number;
  parsedFiles: number;
  parsedBytes: number;
  parseMs: number;
  heapUsedAtExitMb: number;
}

const counts: EngineCounts = { prefilterCalls: 0, prefilterPassed: 0, sdkTokenFiles: 0, parseCalls: 0, parsedFiles: 0, parsedBytes: 0, parseMs: 0, heapUsedAtExitMb: 0 };
const parsed = new Set<string>();

const parseModule = require('../src/core/parse/parse') as typeof import('../src/core/parse/parse');
const detectModule = require('../src/core/detect/detect') as typeof import('../src/core/detect/detect');

const parseSource = parseModule.parseSource;
(parseModule as { parseSource: typeof parseSource }).parseSource = (file, text) => {
  const t = performance.now();
  const result = parseSource(file, text);
  counts.parseMs += performance.now() - t;
  counts.parseCalls++;
  if (!parsed.has(file)) {
    parsed.add(file);
    counts.parsedBytes += text.length;
  }
  return result;
};

const mayContainCalls = detectModule.mayContainCalls;
(detectModule as { mayContainCalls: typeof mayContainCalls }).mayContainCalls = (text) => {
  counts.prefilterCalls++;
  if (hasSdkToken(text)) counts.sdkTokenFiles++;
  const yes = mayContainCalls(text);
  if (yes) counts.prefilterPassed++;
  return yes;
};

process.on('exit', () => {
  const file = process.env.BENCH_COUNT_FILE;
  if (!file) return;
  counts.parsedFiles = parsed.size;
  counts.heapUsedAtExitMb = process.memoryUsage().heapUsed / 2 ** 20;
  writeFileSync(file, JSON.stringify(counts));
});
