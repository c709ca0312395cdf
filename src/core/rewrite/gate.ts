// The one gate in front of every rewrite: the CLI's `fix`, and the language server's rewrite action
// (the editor's Quick Fix, the report's *Apply fix* and `batchwise.applyFix` all resolve it) ask it
// before a fix is planned; session.fixFor asks it itself when not handed its permit.
// A batch answers within 24 hours: a call a person waits for never gets one, and a call whose context
// is unknown gets one only when the user says so, knowing what is unknown.
import type { Evidence, Finding, Verdict } from '../model';
import { SEQUENTIAL_DEPENDENCY } from '../classify/rules/sequential';

/** Which front end asks: the refusal says what to do there (the CLI's flag; in an editor, which has no confirmation over LSP yet, the CLI). */
export type FixFront = 'cli' | 'lsp';

export interface FixGateOptions {
  front: FixFront;
  /** The user allowed a rewrite of a call whose context is unknown (`--allow-unknown`). */
  allowUnknown: boolean;
}

declare const issuedByGate: unique symbol;

/** What the gate hands out when a fix may be planned; only `gateFix` makes one. */
export interface FixPermit {
  readonly [issuedByGate]: true;
  readonly finding: Finding;
  readonly verdict: Verdict;
  /** Said to the user before the fix is applied (a call whose context is unknown), else null. */
  readonly warning: string | null;
}

export type FixGate =
  | { ok: true; permit: FixPermit }
  | {
      ok: false;
      verdict: Verdict;
      reason: string;
      /** The user may allow it (an unknown context): with `--allow-unknown`. */
      allowable: boolean;
    };

/** How many evidence facts a message quotes before it says how many more there are. */
const QUOTED_EVIDENCE = 3;

export const GATE_MESSAGES = {
  userWaiting: (evidence: string) =>
    `a person waits for this call (verdict user-waiting: ${evidence}). A batch answers within 24 hours, so Batchwise offers no fix for it; if nobody waits for it, say so with "// batchwise: batch" above the call`,
  unknownRefused: (evidence: string, front: FixFront) =>
    `Batchwise cannot tell whether a person waits for this call (verdict unknown: ${evidence}). ${
      front === 'cli' ? 'Pass --allow-unknown to rewrite it anyway' : 'Rewrite it anyway with `batchwise fix --allow-unknown`'
    }, or state its context with "// batchwise: batch" or "// batchwise: user-waiting" above the call`,
  sequential: (evidence: string) =>
    `each request of this call needs an earlier answer (${evidence}). A batch answers within 24 hours, so a batched sequence would wait that long for every step: Batchwise offers no fix for it, also not with --allow-unknown`,
  unknownAllowed: (evidence: string) =>
    `rewriting a call whose context is unknown (${evidence}): if a person waits for it, they will wait for a batch, up to 24 hours`,
} as const;

/** The evidence as the messages quote it: rule, sentence and place, the first few. */
export function quoteEvidence(evidence: readonly Evidence[]): string {
  if (evidence.length === 0) return 'no evidence recorded';
  // Most sentences name their place already; the others get it appended.
  const quoted = evidence.slice(0, QUOTED_EVIDENCE).map((e) => `${e.rule}: ${e.message}${e.message.includes(`${e.file}:${e.line}`) ? '' : ` (${e.file}:${e.line})`}`);
  const more = evidence.length - QUOTED_EVIDENCE;
  return quoted.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** May a fix be planned for this finding? The refusal names the verdict and its evidence. */
export function gateFix(finding: Finding, options: FixGateOptions): FixGate {
  const { verdict, evidence } = finding.classification;
  const quoted = quoteEvidence(evidence);
  switch (verdict) {
    case 'user-waiting':
      return { ok: false, verdict, reason: GATE_MESSAGES.userWaiting(quoted), allowable: false };
    case 'unknown':
      // Not a context Batchwise cannot tell, but a shape no batch can serve: the user cannot allow it.
      if (evidence[0]?.rule === SEQUENTIAL_DEPENDENCY.id) return { ok: false, verdict, reason: GATE_MESSAGES.sequential(quoted), allowable: false };
      if (!options.allowUnknown) return { ok: false, verdict, reason: GATE_MESSAGES.unknownRefused(quoted, options.front), allowable: true };
      return { ok: true, permit: permit(finding, GATE_MESSAGES.unknownAllowed(quoted)) };
    case 'batchable':
      // A refusal the analysis made from where the call runs (a serverless function), not from its shape.
      if (!finding.fix && finding.fixRefusal) return { ok: false, verdict, reason: finding.fixRefusal, allowable: false };
      return { ok: true, permit: permit(finding, null) };
    default: {
      const never: never = verdict;
      return { ok: false, verdict: never, reason: `unknown verdict '${String(never)}'`, allowable: false };
    }
  }
}

function permit(finding: Finding, warning: string | null): FixPermit {
  return { finding, verdict: finding.classification.verdict, warning } as FixPermit;
}

/** Whether `permit` was issued for this finding (the same call, with the same verdict). */
export function permits(permit: FixPermit, finding: Finding): boolean {
  const a = permit.finding.site;
  const b = finding.site;
  return a.file === b.file && a.range[0] === b.range[0] && a.range[1] === b.range[1] && permit.verdict === finding.classification.verdict;
}
