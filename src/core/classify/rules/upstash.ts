// Upstash: a route wrapped by QStash's signature check (`verifySignatureAppRouter(handler)`) answers
// QStash only, and an Upstash Workflow (`serve(fn)`) runs its steps as QStash deliveries: the person who
// started the work has been answered already. See docs/rules/qstash-handler.md.
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { openPath, Path, toPath } from '../path';
import type { CallQuestion } from './hooks';
import { REPLIES } from './jobs';
import { defineRule, entry } from './rule';
import { lineNumberAt } from '../../parse/lineNumbers';

export const QSTASH_HANDLER = defineRule({
  id: 'qstash-handler',
  effect: 'batchable',
  title: 'Run by QStash or an Upstash Workflow, not by a person',
  messages: {
    verified: (wrapper: string, where: string) =>
      `the handler is wrapped by QStash's \`${wrapper}\` at ${where}, so only QStash's deliveries reach it and QStash, not a person, takes its answer. ` +
      'If a client polls for what it writes, declare the call with `// batchwise: user-waiting`',
    workflow: (how: string, where: string) =>
      `an Upstash Workflow (\`${how}\` at ${where}): its steps run as QStash deliveries after whoever started it has been answered. ` +
      'If a client polls for the run\'s result, declare the call with `// batchwise: user-waiting`',
    replies: (what: string, reply: string) => `${what}; but its file answers someone itself (${reply}), so the person who started it may be waiting for this answer`,
  },
});

export const RULES = [QSTASH_HANDLER] as const;

const VERIFIERS = new Set(['verifySignatureAppRouter', 'verifySignatureEdge', 'verifySignature']);
const WORKFLOWS = new Set(['serve', 'createWorkflow']);

/** `verifySignatureAppRouter(handler)` from @upstash/qstash, `serve(fn)` / `createWorkflow(fn)` from @upstash/workflow. */
export function upstashHandler(q: CallQuestion): Path[] | null {
  const { call, fi, file } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.Identifier) return null;
  const name = call.callee.name;
  if (!VERIFIERS.has(name) && !WORKFLOWS.has(name)) return null;
  const source = fi.resolve(call.callee)?.import?.source ?? '';
  const verified = VERIFIERS.has(name) && source.startsWith('@upstash/qstash');
  const workflow = WORKFLOWS.has(name) && source.startsWith('@upstash/workflow');
  if (!verified && !workflow) return null;
  const where = `${file}:${call.loc.start.line}`;
  const m = QSTASH_HANDLER.messages;
  const what = verified ? m.verified(name, where) : m.workflow(name, where);
  // A job that posts into a chat or pushes to a socket answers the person who asked, who is waiting for it.
  const reply = REPLIES.exec(fi.text);
  if (reply) {
    const line = lineNumberAt(fi.text, reply.index);
    return [openPath(QSTASH_HANDLER, m.replies(what, `${reply[0].slice(1, -1).trim()} at ${file}:${line}`), file, call.loc.start.line)];
  }
  return [toPath(entry(QSTASH_HANDLER, what, call), file)];
}
