// The call itself: a streamed response, a context declared in a comment, a volume too low to batch,
// a call in test code.
import type { CallSite, Classification } from '../../model';
import { evidenceOf, Path } from '../path';
import { defineRule } from './rule';

export const STREAMING_RESPONSE = defineRule({
  id: 'streaming-response',
  effect: 'user-waiting',
  title: 'The response is streamed',
  messages: {
    streamed: () => 'the response is streamed, so a reader is consuming it as it arrives; the Batch APIs do not stream',
    unreadable: () =>
      "the request's `stream` option is set to a value Batchwise cannot read, so the call may stream, and the Batch APIs do not stream; " +
      'set it to a literal or a constant, or declare the context with `// batchwise: batch` if it never streams',
    perItem: () =>
      'the response is streamed, and the Batch APIs do not stream; but the call runs once per item of batch data from a batch entry, so nobody is reading along. ' +
      'Drop `stream` (read the whole answer) to make it batchable, or declare it with `// batchwise: user-waiting` if a person watches the output',
    evalTask: () =>
      'the response is streamed, and the Batch APIs do not stream; but it streams to an eval runner, which drains it to score it, so nobody is reading along. ' +
      'Read the whole answer (generateText instead of streamText, or no `stream`) to make it batchable',
  },
});

export const DECLARED_CONTEXT = defineRule({
  id: 'declared-context',
  effect: 'neutral',
  title: 'Context declared in a batchwise comment',
  messages: {
    userWaiting: (annotation: string) => `declared user-waiting in a comment: "batchwise: ${annotation}"`,
    batchable: (annotation: string) => `declared batchable in a comment: "batchwise: ${annotation}"`,
  },
});

/** A rate of requests as a person reads it: '0.14', '3', '1,200' (a weekly cron is 1/7 a day, not 0.14285714285714285). */
const RATE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const LOW_VOLUME = defineRule({
  id: 'low-volume',
  effect: 'neutral',
  title: 'Below the volume where batching pays',
  messages: {
    below: (perDay: number, threshold: number) =>
      `about ${RATE.format(perDay)} request${perDay === 1 ? '' : 's'} a day is below the ${threshold}/day threshold where a batch is worth the wait; reported as low-volume, not as a saving to chase`,
    belowPerRun: (perRun: number, threshold: number) =>
      `${perRun} request${perRun === 1 ? '' : 's'} per run (one batch at most) is below the ${threshold}/day threshold where a batch is worth the wait; reported as low-volume, not as a saving to chase`,
  },
});

export const TEST_FILE = defineRule({
  id: 'test-file',
  effect: 'excluded',
  title: 'A test file',
  messages: {
    testCode: (file: string) => `${file} is a test file, not production code`,
  },
});

export const RULES = [STREAMING_RESPONSE, DECLARED_CONTEXT, LOW_VOLUME, TEST_FILE] as const;

export function isTestFile(file: string): boolean {
  return /(^|\/)(__tests__|__mocks__|test|tests|spec)\//.test(file) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(file);
}

export function excludedPath(file: string): Path {
  return { effect: 'excluded', rule: TEST_FILE, entry: TEST_FILE.messages.testCode(file), file, line: 1, steps: [], loops: [] };
}

/** `// batchwise: batch ...` or `// batchwise: user-waiting ...` overrides inference, and says so. */
export function declaredContext(site: CallSite): Classification | null {
  const note = site.annotation?.toLowerCase();
  if (!note) return null;
  const [file, line] = [site.file, site.loc.start.line - 1];
  if (/\b(user-waiting|interactive|realtime|real-time)\b/.test(note)) {
    return { verdict: 'user-waiting', confidence: 1, evidence: [evidenceOf(DECLARED_CONTEXT, DECLARED_CONTEXT.messages.userWaiting(site.annotation!), file, line)] };
  }
  if (/\bbatch(able)?\b/.test(note)) {
    return { verdict: 'batchable', confidence: 1, evidence: [evidenceOf(DECLARED_CONTEXT, DECLARED_CONTEXT.messages.batchable(site.annotation!), file, line)] };
  }
  return null;
}
