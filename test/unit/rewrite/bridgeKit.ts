// What the AI SDK and LangChain bridge tests share: the file's findings of one call style, every fix of a
// file applied in turn, a program staged to run, and the comparison of what two runs printed.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { Analyzer, runsOnce } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { applyEdits, planFix } from '../../../src/core/rewrite';
import { writeRunnable } from './differential/check';

/** The findings of `file` whose API starts with `apiPrefix` ('ai-sdk.', 'langchain.'), the file analysed alone. */
export function findingsOf(file: string, text: string, apiPrefix: string) {
  return new Analyzer({ files: [file], read: (p) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings.filter((f) => f.site.api.startsWith(apiPrefix));
}

export interface Fixed {
  after: string;
  files: Record<string, string>;
  /** The project's files the fixes edited, as edited. */
  edited: Record<string, string>;
  fixes: number;
  refusals: string[];
}

/**
 * Applies the fix of every such call of main.ts, one after another (each planned on the text the one
 * before left); each must be safe, or as `expect` says: an unsafe loop hoist (it says what changes), a
 * batch queue's (never safe: callers wait for a batch), or a batch of one's (never safe: the run waits for it).
 */
export function fixAll(text: string, project: Record<string, string>, apiPrefix: string, expect: 'safe' | 'unsafe' | 'queue' | 'single' = 'safe'): Fixed {
  const files: Record<string, string> = {};
  // The project's files a fix edited (a package.json given the official client), as edited.
  const edited: Record<string, string> = {};
  let current = text;
  let fixes = 0;
  const refusals: string[] = [];
  for (let round = 0; round < 5; round++) {
    const planned = findingsOf('main.ts', current, apiPrefix).map((f) =>
      planFix({ file: 'main.ts', text: current, site: f.site, helperPath: 'batchwise/openaiBatch.ts', runsOnce: runsOnce(f.classification), readExisting: (p) => files[p] ?? edited[p] ?? project[p] }),
    );
    const fix = planned.find((p) => p.ok);
    if (!fix || !fix.ok) {
      refusals.push(...planned.map((p) => (!p.ok ? p.reason : '')));
      break;
    }
    const inserts = fix.fix.edits.filter((e) => e.range[0] === e.range[1]).map((e) => e.range[0]);
    assert.equal(new Set(inserts).size, inserts.length, 'no two insertions at one offset');
    assert.equal(fix.fix.safe, expect === 'safe');
    if (expect === 'unsafe' || expect === 'single') assert.ok(fix.fix.changes, 'an unsafe fix says what changes');
    assert.equal(fix.fix.strategy, expect === 'queue' ? 'batch-queue' : expect === 'single' ? 'single-batch' : fix.fix.strategy === 'batch-call' ? 'batch-call' : 'loop-hoist');
    current = applyEdits(current, fix.fix.edits);
    for (const f of fix.fix.createFiles) files[f.path] = f.content;
    for (const e of fix.fix.editFiles) edited[e.path] = applyEdits(e.before, e.edits);
    fixes++;
  }
  return { after: current, files, edited, fixes, refusals };
}

/** Writes main.ts and the files a fix created into a fresh `dir`, runnable; returns main's path. */
export function stageProgram(dir: string, text: string, files: Record<string, string>): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [rel, source] of Object.entries(files)) writeRunnable(dir, rel, source);
  return writeRunnable(dir, 'main.ts', text);
}

/** The same output; where the source runs calls concurrently, lines follow the answers' arrival: the same lines, and the same last line. */
export function samePrinted(name: string, source: string, rewritten: string, original: string): void {
  if (rewritten === original || !/Promise\.all/.test(source)) {
    assert.equal(rewritten, original, name);
    return;
  }
  const lines = (s: string) => s.trimEnd().split('\n');
  assert.deepEqual([...lines(rewritten)].sort(), [...lines(original)].sort(), `${name}: the same lines`);
  assert.equal(lines(rewritten).at(-1), lines(original).at(-1), `${name}: the same last line`);
}
