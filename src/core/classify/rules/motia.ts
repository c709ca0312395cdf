// Motia steps: a `*.step.ts` file exports `config` (`type: 'api' | 'event' | 'cron'`) and `handler`.
// An API step answers a request; a cron step runs on its schedule; an event step runs for each
// `emit({ topic })` of a topic it subscribes to, and is decided by those emitters. See
// docs/rules/event-step.md.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
import { unwrap } from '../../syntax/nodes';
import { openPath, Path, toPath } from '../path';
import type { ExportQuestion } from './hooks';
import { HTTP_ROUTE_HANDLER } from './httpServers';
import { calleeName, exportedValues, literal, objectProps } from './read';
import { defineRule, entry } from './rule';
import { CRON_SCHEDULE } from './schedules';
import { lineNumberAt } from '../../parse/lineNumbers';

export const EVENT_STEP = defineRule({
  id: 'event-step',
  effect: 'neutral',
  title: 'A workflow step run for an event, decided by who emits it',
  messages: {
    api: (method: string, path: string, where: string) => `Motia API step (${method} ${path}) at ${where}`,
    cron: (spec: string, where: string) => `Motia cron step '${spec}' at ${where}`,
    nothingEmits: (topics: string, where: string) => `Motia event step at ${where}; nothing in its project emits ${topics}`,
    fromRequest: (entry: string, topic: string, emitter: string) =>
      `${entry}; it emits '${topic}' at ${emitter} and answers without waiting for the event steps, so this one can wait for a batch. ` +
      'If a client watches for its result, declare the call with `// batchwise: user-waiting`',
    streamed: (entry: string, topic: string, emitter: string, stream: string) => `${entry}; it emits '${topic}' at ${emitter}, and the step writes to a Motia stream a client subscribes to (${stream})`,
    fromBatch: (entry: string, topic: string, emitter: string) => `${entry}; it emits '${topic}' at ${emitter}`,
    unknownEmitter: (entry: string, topic: string, emitter: string) => `'${topic}' is emitted at ${emitter}, but nothing shows who runs that code (${entry})`,
  },
});

export const RULES = [EVENT_STEP] as const;

const STEP_FILE = /\.step\.[cm]?[jt]sx?$/;
/** A step that writes into a Motia stream: the client subscribed to it reads the result as it comes. */
const STREAMS = /\bstreams\s*\.\s*\w+\s*\.\s*(set|send|update)\s*\(/;

/** The `handler` export of a step file, by its `config`. */
export function motiaStep(q: ExportQuestion): Path[] | null {
  const { file, exportName, value, fi } = q;
  if (exportName !== 'handler' || !STEP_FILE.test(file)) return null;
  const raw = exportedValues(fi).get('config');
  const config = raw ? objectProps(unwrap(raw)) : null;
  const type = config ? literal(config.get('type')) : undefined;
  const where = `${file}:${value.loc.start.line}`;
  const m = EVENT_STEP.messages;
  if (type === 'api') return [toPath(entry(HTTP_ROUTE_HANDLER, m.api(literal(config!.get('method')) ?? 'a request', literal(config!.get('path')) ?? '', where), value), file)];
  if (type === 'cron') {
    const spec = literal(config!.get('cron')) ?? '';
    return [toPath(entry(CRON_SCHEDULE, m.cron(spec, where), value, spec ? { schedule: spec } : {}), file)];
  }
  if (type !== 'event') return null;
  const subscribes = config!.get('subscribes');
  const topics = subscribes?.type === T.ArrayExpression ? subscribes.elements.map((e) => literal(e ?? undefined)).filter((t): t is string => t !== undefined) : [];
  if (topics.length === 0) return null;
  const own = q.project.text(file) ?? '';
  const stream = STREAMS.exec(own);
  const paths: Path[] = [];
  for (const f of stepProject(q.project, file)) {
    const text = q.project.text(f);
    if (!text || !topics.some((t) => text.includes(t))) continue;
    const efi = q.project.get(f);
    if (!efi) continue;
    for (const call of emits(efi.identifiers('emit'), efi.parents)) {
      const topic = literal(objectProps(call.arguments[0]).get('topic'));
      if (topic === undefined || !topics.includes(topic)) continue;
      const emitter = `${f}:${call.loc.start.line}`;
      for (const p of q.walk(f, call)) {
        if (p.effect === 'excluded' || p.effect === 'blocked') paths.push(p);
        else if (stream && p.effect !== 'open') paths.push({ ...p, effect: 'user-waiting', rule: EVENT_STEP, entry: m.streamed(p.entry, topic, emitter, `${file}:${lineNumberAt(own, stream.index)}`) });
        else if (p.effect === 'user-waiting') paths.push({ ...p, effect: 'batchable', rule: EVENT_STEP, entry: m.fromRequest(p.entry, topic, emitter) });
        else if (p.effect === 'batchable') paths.push({ ...p, rule: EVENT_STEP, entry: m.fromBatch(p.entry, topic, emitter) });
        else paths.push({ ...p, rule: EVENT_STEP, entry: m.unknownEmitter(p.entry, topic, emitter) });
      }
    }
  }
  if (paths.length === 0) paths.push(openPath(EVENT_STEP, m.nothingEmits(topics.map((t) => `'${t}'`).join(', '), where), file, value.loc.start.line));
  return paths;
}

/** `emit({ topic, data })` or `ctx.emit(…)`: the calls among these identifiers. */
function emits(ids: readonly TSESTree.Identifier[], parents: Map<TSESTree.Node, TSESTree.Node>): TSESTree.CallExpression[] {
  const out: TSESTree.CallExpression[] = [];
  for (const id of ids) {
    let callee: TSESTree.Node = id;
    const parent = parents.get(id);
    if (parent?.type === T.MemberExpression && parent.property === id) callee = parent;
    const call = parents.get(callee);
    if (call?.type === T.CallExpression && call.callee === callee && calleeName(call) === 'emit' && call.arguments.length > 0) out.push(call);
  }
  return out;
}

/** The files of the step's own project: those under the folder that holds its `steps/` folder (a repository may hold many examples). */
function stepProject(project: ProjectIndex, file: string): string[] {
  const at = `/${file}`.lastIndexOf('/steps/');
  const root = at >= 0 ? file.slice(0, at) : file.slice(0, file.lastIndexOf('/') + 1);
  return project.files.filter((f) => f.startsWith(root));
}
