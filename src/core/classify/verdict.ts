// The verdict: what the paths from entry points to a call say about who waits for it. A person on
// any path makes it user-waiting; only paths that all end in batch work make it batchable; a path
// Batchwise cannot place leaves it unknown, and says what would decide it.
import type { CallSite, Classification, Evidence } from '../model';
import { evidenceOf, openEvidence, Path, pathEvidence, plainEvidence, uniqueEvidence } from './path';
import { STREAMING_RESPONSE } from './rules/calls';
import { EVAL_HARNESS } from './rules/evals';
import { CALL_CHAIN, NO_ENTRY_POINT } from './rules/reach';
import { scheduledVolume } from './rules/schedules';
import { oncePerRun, runVolume } from './runVolume';

const REACHED = CALL_CHAIN.messages;

export function verdictOf(site: CallSite, paths: readonly Path[]): Classification {
  const evidence: Evidence[] = [];
  const at = (rule: Parameters<typeof evidenceOf>[0], message: string) => evidenceOf(rule, message, site.file, site.loc.start.line);
  const streams = site.streaming && !site.streamingUnknown;
  if (streams) evidence.push(at(STREAMING_RESPONSE, STREAMING_RESPONSE.messages.streamed()));
  const waiting = paths.filter((p) => p.effect === 'user-waiting');
  const batch = paths.filter((p) => p.effect === 'batchable');
  const open = paths.filter((p) => p.effect === 'open');
  const loops = uniqueEvidence(paths.flatMap((p) => p.loops));
  const more = paths.reduce((n, p) => n + (p.more ?? 0), 0);
  const withMore = (c: Classification): Classification => (more > 0 ? { ...c, evidence: [...c.evidence, at(CALL_CHAIN, REACHED.more(more))] } : c);

  if (site.streamingUnknown && waiting.length === 0) {
    evidence.push(at(STREAMING_RESPONSE, STREAMING_RESPONSE.messages.unreadable()));
    for (const p of paths) evidence.push(pathEvidence(p, REACHED.reached));
    return withMore({ verdict: 'unknown', confidence: 0.5, evidence });
  }
  // A script streaming each item of a dataset to its own console: nobody is reading along, but the
  // Batch APIs do not stream, so the call is not batchable as written.
  // So is an eval's task streaming its answer to the eval runner, which drains it to score it.
  const allBatch = waiting.length === 0 && batch.length > 0 && paths.every((p) => p.effect === 'batchable' || p.effect === 'excluded');
  const toEvalRunner = allBatch && batch.every((p) => p.rule === EVAL_HARNESS);
  if (streams && allBatch && (toEvalRunner || loops.some((l) => l.batchSource && !l.literal))) {
    evidence[0] = { ...evidence[0], message: toEvalRunner ? STREAMING_RESPONSE.messages.evalTask() : STREAMING_RESPONSE.messages.perItem() };
    for (const p of batch) evidence.push(pathEvidence(p, REACHED.reachedOnly));
    for (const l of loops) evidence.push(plainEvidence(l));
    return withMore({ verdict: 'unknown', confidence: 0.5, evidence });
  }
  if (waiting.length > 0 || streams) {
    for (const p of waiting) evidence.push(pathEvidence(p, REACHED.personWaits));
    for (const p of batch) evidence.push(pathEvidence(p, REACHED.alsoReached, CALL_CHAIN));
    return withMore({ verdict: 'user-waiting', confidence: 0.95, evidence });
  }
  const blocked = paths.filter((p) => p.effect === 'blocked');
  if (blocked.length > 0) {
    for (const p of blocked) evidence.push(evidenceOf(p.rule, p.entry, p.file, p.line));
    for (const p of batch) evidence.push(pathEvidence(p, REACHED.alsoReached, CALL_CHAIN));
    for (const l of loops) evidence.push(plainEvidence(l));
    return withMore({ verdict: 'unknown', confidence: 0.5, evidence });
  }
  if (batch.length > 0 && open.length === 0) {
    for (const p of batch) evidence.push(pathEvidence(p, REACHED.reachedOnly));
    for (const l of loops) evidence.push(plainEvidence(l));
    const platform = batch.find((p) => p.platform)?.platform;
    return withMore({ verdict: 'batchable', confidence: 0.9, evidence, ...scheduledVolume(batch), ...runVolume(batch), ...oncePerRun(batch), ...(platform ? { runsIn: platform } : {}) });
  }
  if (batch.length > 0) {
    // A path Batchwise cannot place may be a person's request (a handler of a framework it does not
    // know, a caller it cannot follow): one batch path beside it proves nothing about that one.
    for (const p of batch) evidence.push(pathEvidence(p, REACHED.reached, CALL_CHAIN));
    for (const p of open) evidence.push(pathEvidence(p, REACHED.alsoReached));
    for (const l of loops) evidence.push(plainEvidence(l));
    const first = open[0];
    evidence.push(evidenceOf(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.someOpen(open.length, first.file, first.line), first.file, first.line));
    return withMore({ verdict: 'unknown', confidence: 0.5, evidence });
  }
  // No entry point decides. A loop alone shows the call runs many times, not that nobody waits
  // (`for (const item of req.body.items)` in a handler Batchwise does not know); only a loop over
  // data read from disk, in code that nothing is seen to reach, does. A literal list, an imported
  // constant or a bulk query is looped over by request handlers too.
  const unreached = paths.every((p) => p.effect === 'open' && p.rule === NO_ENTRY_POINT && !p.runByUnknown);
  if (loops.some((l) => l.fromDisk) && unreached) {
    for (const l of loops) evidence.push(plainEvidence(l));
    for (const p of open) evidence.push(openEvidence(p));
    return withMore({ verdict: 'batchable', confidence: 0.6, evidence });
  }
  for (const l of loops) evidence.push(plainEvidence(l));
  for (const p of paths) evidence.push(openEvidence(p));
  if (loops.length > 0 && unreached) evidence.push(evidenceOf(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.loopOnly(), loops[0].file, loops[0].line));
  if (evidence.length === 0) {
    // Callers were found, but every chain of them ran back into itself (a call cycle), past the
    // depth limit, or into a value that is never used: none starts at an entry point.
    const holder = site.enclosingFunction ? `\`${site.enclosingFunction}\`` : 'the code that holds it';
    evidence.push(at(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.unreached(holder)));
  }
  return withMore({ verdict: 'unknown', confidence: 0.5, evidence });
}
