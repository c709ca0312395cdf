// Rewrites to the batch path. Each strategy proves its shape or refuses with a reason the user sees.
import type { CallSite, Fix, TextEdit } from '../model';
import type { TSESTree } from '../parse/parse';
import { checkLoopHoist, LOOP_HOIST } from './loopHoist';
import { helperModuleFor } from './helper';

export interface FixRequest {
  /** Path relative to the workspace root, '/' separators. */
  file: string;
  text: string;
  site: CallSite;
  /** Where the OpenAI batch helper module goes, relative to the root, with its extension (the Anthropic one goes beside it). */
  helperPath: string;
  /** The helper's current content when a file is already there (for the path this fix needs). */
  existingHelper?: string;
  /** Reads a file of the workspace (the helper path this fix needs), when `existingHelper` is not given. */
  readExisting?: (path: string) => string | undefined;
}

export type FixPlan = { ok: true; fix: Fix } | { ok: false; reason: string };

/** The cheap check used while analysing: would a fix be offered, and is it safe? */
export function fixableStrategy(req: { file: string; text: string; site: CallSite; ast?: TSESTree.Program }): { strategy: string; safe: boolean } | { refused: string } {
  const check = checkLoopHoist(req.file, req.text, req.site, 'batchwise/openaiBatch.ts', req.ast);
  return check.ok ? { strategy: LOOP_HOIST, safe: true } : { refused: check.reason };
}

export function planFix(req: FixRequest): FixPlan {
  const check = checkLoopHoist(req.file, req.text, req.site, req.helperPath);
  if (!check.ok) return check;
  const path = check.plan.helperPath;
  const helper = helperModuleFor(path, check.plan.moduleKind, check.plan.helperKind);
  const existing = req.existingHelper ?? req.readExisting?.(path);
  if (existing !== undefined && existing !== helper) {
    return {
      ok: false,
      reason: `${path} already exists with other content; Batchwise will not overwrite it (move it, or set batchwise.helperPath)`,
    };
  }
  return {
    ok: true,
    fix: {
      strategy: LOOP_HOIST,
      safe: true,
      title: check.plan.helperKind === 'anthropic' ? 'Move to Anthropic Message Batches (loop hoist)' : 'Move to the OpenAI Batch API (loop hoist)',
      edits: check.plan.edits.filter((e) => !(e.newText === '' && e.range[0] === e.range[1])),
      createFiles: existing === helper ? [] : [{ path, content: helper }],
    },
  };
}

/** Applies non-overlapping edits to a text (last first, so offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range[0] - a.range[0] || b.range[1] - a.range[1]);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.range[1] > lastStart) throw new Error('overlapping edits');
    out = out.slice(0, e.range[0]) + e.newText + out.slice(e.range[1]);
    lastStart = e.range[0];
  }
  return out;
}

export { LOOP_HOIST };
