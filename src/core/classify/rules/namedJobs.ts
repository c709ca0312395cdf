// Job queues that register a handler under a job's name and start jobs by that name: pg-boss
// (`boss.work(name, fn)`, `boss.send(name, data)`, `boss.schedule(name, cron)`), Agenda
// (`agenda.define(name, fn)`, `agenda.now(name)`, `agenda.every(interval, name)`) and Graphile Worker
// (a task file in the tasks folder, `addJob(name)`, `quickAddJob(opts, name)`, a crontab line). The
// handler is decided by who starts its jobs, as any queue worker (docs/rules/queue-worker.md). And
// Bree's job files (`jobs/<name>.js`), run on the schedule `new Bree({ jobs })` gives them.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { ProjectIndex, stripExtension, textTest, type TextTest } from '../../project';
import { propertyName } from '../../syntax/nodes';
import { openPath, Path, toPath } from '../path';
import type { CallQuestion, ExportQuestion, FunctionQuestion, ModuleQuestion, OptionQuestion, RuleContext } from './hooks';
import type { SyntaxModel } from '../../syntax/model';
import { followUpOf, producerPath, QUEUE_WORKER } from './jobs';
import { identifierPattern, literal, looksLikeCronSpec, objectProps, receiverName, stringArg } from './read';
import { entry, EntryMatch } from './rule';
import { CRON_SCHEDULE } from './schedules';
import { lineNumberAt } from '../../parse/lineNumbers';

type System = 'pg-boss' | 'Agenda' | 'Graphile Worker';

/** The text a file that uses the system must contain (its package, or a receiver named after it). */
const MENTIONS: Record<System, RegExp> = {
  'pg-boss': /pg-boss|\bboss\b|Boss\b/,
  Agenda: /agenda/i,
  'Graphile Worker': /graphile-worker|\baddJob\s*\(|\bquickAddJob\s*\(/,
};

/** The same, asked of every file by the import scan (`textTest`). */
const MENTIONS_TEST: Record<System, TextTest> = {
  'pg-boss': textTest((text) => (text.includes('boss') || text.includes('Boss')) && MENTIONS['pg-boss'].test(text)),
  Agenda: textTest((text) => MENTIONS.Agenda.test(text)),
  'Graphile Worker': textTest((text) => (text.includes('graphile-worker') || text.includes('ddJob')) && MENTIONS['Graphile Worker'].test(text)),
};

/** A file that makes a Bree scheduler. */
const MAKES_BREE = textTest((text) => text.includes('new Bree') && /['"]bree['"]/.test(text));
/** Receivers the system's methods are called on, when the file does not import the package itself. */
const RECEIVER: Record<System, RegExp> = {
  'pg-boss': /boss/i,
  Agenda: /agenda/i,
  'Graphile Worker': /./,
};
/** An import or require of the system's package. */
const imports = (pkg: string) => new RegExp(`(from|import|require\\s*\\()\\s*['"]${pkg}['"]`);
const PACKAGE: Record<System, RegExp> = { 'pg-boss': imports('pg-boss'), Agenda: imports('(@hokify/)?agenda'), 'Graphile Worker': imports('graphile-worker') };

/** Where a producer names the job: the argument index of each method. */
const PRODUCERS: Record<System, Record<string, number>> = {
  'pg-boss': { send: 0, sendAfter: 0, sendThrottled: 0, sendDebounced: 0, sendSingleton: 0 },
  Agenda: { now: 0, create: 0, schedule: 1 },
  'Graphile Worker': { addJob: 0 },
};

/** Is this method call one of the system's, on a receiver of it? */
function ofSystem(system: System, text: string, call: TSESTree.CallExpression): boolean {
  const callee = call.callee as TSESTree.MemberExpression;
  const receiver = receiverName(callee.object) ?? '';
  return PACKAGE[system].test(text) || RECEIVER[system].test(receiver);
}

/** pg-boss `boss.work(name, [options], handler)` and Agenda `agenda.define(name, [options], handler)`: a worker for the named job. */
export function namedJobWorker(q: CallQuestion): Path[] | null {
  const { call, fi, file } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression || call.arguments.length < 2) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  const system: System | null = method === 'work' ? 'pg-boss' : method === 'define' ? 'Agenda' : null;
  if (!system || !MENTIONS[system].test(fi.text) || !ofSystem(system, fi.text, call)) return null;
  const name = stringArg(call.arguments[0], q.stringOf(file));
  if (name === null) return null;
  return namedJobPaths(q, system, name, `${file}:${call.loc.start.line}`, file, call.loc.start.line);
}

/** A Graphile Worker task file: the default export of `tasks/<name>.js` (its `taskDirectory`), in a project that uses graphile-worker. */
export function graphileTaskFile(q: ExportQuestion): Path[] | null {
  const { file, exportName, value } = q;
  if (exportName !== 'default') return null;
  const task = /(^|\/)tasks\/([\w-]+)$/.exec(stripExtension(file));
  if (!task || !usesGraphile(q, file)) return null;
  return namedJobPaths(q, 'Graphile Worker', task[2], `${file}:${value.loc.start.line}`, file, value.loc.start.line);
}

const GRAPHILE_DEPENDENCY = /"graphile-worker"\s*:/;

/** A package.json at or above the file that depends on graphile-worker. */
function usesGraphile(q: RuleContext, file: string): boolean {
  let dir = file;
  while (dir.includes('/')) {
    dir = dir.slice(0, dir.lastIndexOf('/'));
    if (GRAPHILE_DEPENDENCY.test(q.project.text(`${dir}/package.json`) ?? '')) return true;
  }
  return GRAPHILE_DEPENDENCY.test(q.project.text('package.json') ?? '');
}

const quotes = (src: string, name: string) => src.includes(`'${name}'`) || src.includes(`"${name}"`) || src.includes(`\`${name}\``);

/** Reading a job back: pg-boss `getJobById(name, id)` (v9: `getJobById(id)`, any job), Agenda `agenda.jobs({ name })`. */
const POLLERS: Partial<Record<System, { method: string; names: (call: TSESTree.CallExpression, name: string, strings: (n: TSESTree.Node) => string | null) => boolean }>> = {
  'pg-boss': { method: 'getJobById', names: (call, name, strings) => call.arguments.length < 2 || (literal(call.arguments[0]) ?? strings(call.arguments[0])) === name },
  Agenda: { method: 'jobs', names: (call, name) => { const wanted = literal(objectProps(call.arguments[0]).get('name')); return wanted === undefined || wanted === name; } },
};

const pollers = new WeakMap<object, Map<string, string | null>>();

/**
 * A request handler that reads the job back (a status or result endpoint the client polls): the
 * person who started it waits for it. A read that does not say which job counts for every job.
 */
function pollerOf(q: RuleContext, system: System, name: string): string | null {
  const poller = POLLERS[system];
  if (!poller) return null;
  let memo = pollers.get(q.project);
  if (!memo) pollers.set(q.project, (memo = new Map()));
  const key = `${system}|${name}`;
  if (memo.has(key)) return memo.get(key)!;
  memo.set(key, null);
  let found: string | null = null;
  for (const f of q.project.filesPassing(MENTIONS_TEST[system])) {
    const text = q.project.text(f);
    if (found || !text || !text.includes(poller.method)) continue;
    const fi = q.project.get(f);
    for (const call of fi?.memberCalls(poller.method) ?? []) {
      if (!ofSystem(system, text, call) || !poller.names(call, name, q.stringOf(f))) continue;
      const route = q.walk(f, call).find((p) => p.effect === 'user-waiting');
      if (route) {
        found = QUEUE_WORKER.messages.poller(route.entry, poller.method, `${f}:${call.loc.start.line}`);
        break;
      }
    }
  }
  memo.set(key, found);
  return found;
}

/** Five cron fields, then the task's name (a crontab line: `0 4 * * * send_digest ?max=3`). */
const crontabLine = (name: string) => new RegExp(`((?:[\\d*/,-]+[ \\t]+){4}[\\d*/,-]+)[ \\t]+${name.replace(/[^\w]/g, '\\$&')}(?![\\w-])`, 'g');

/** The paths to a named job's producers, each judged as a queue worker's; a schedule is a cron job. */
const namingByProject = new WeakMap<ProjectIndex, Map<string, string[]>>();

/** The files whose text names the job and its system: one scan of the tree per job name, however many workers ask. */
function filesNamingJob(project: ProjectIndex, system: System, name: string): readonly string[] {
  let bySystem = namingByProject.get(project);
  if (!bySystem) namingByProject.set(project, (bySystem = new Map()));
  const key = `${system}\0${name}`;
  let files = bySystem.get(key);
  if (!files) {
    files = project.filesPassing(MENTIONS_TEST[system]).filter((f) => project.text(f)?.includes(name));
    bySystem.set(key, files);
  }
  return files;
}

function namedJobPaths(q: RuleContext, system: System, name: string, where: string, workerFile: string, line: number): Path[] {
  const { project } = q;
  const m = QUEUE_WORKER.messages;
  const worker = m.jobWorker(`${system} job`, name, where);
  const paths: Path[] = [];
  for (const f of filesNamingJob(project, system, name)) {
    const text = project.text(f)!;
    const fi = project.get(f);
    if (!fi) continue;
    const strings = q.stringOf(f);
    const named = (node: TSESTree.Node | undefined) => node !== undefined && (literal(node) ?? strings(node)) === name;
    const produced = (call: TSESTree.CallExpression, how: string, bulk: boolean) => {
      const what = { worker, producer: `${f}:${call.loc.start.line}`, how };
      for (const p of q.walk(f, call)) paths.push(producerPath(p, what, bulk, () => false, () => pollerOf(q, system, name), () => followUpOf(project, 'queue', workerFile)));
    };
    for (const [method, at] of Object.entries(PRODUCERS[system])) {
      for (const call of fi.memberCalls(method)) {
        if (named(call.arguments[at]) && ofSystem(system, text, call)) produced(call, m.enqueuedWith(method), false);
      }
    }
    if (system === 'pg-boss') {
      // `boss.insert([{ name, data }, …])` or `boss.insert(rows.map(…))` naming the job: many jobs at once.
      for (const call of fi.memberCalls('insert')) {
        if (quotes(fi.src(call), name) && ofSystem(system, text, call)) produced(call, m.enqueuedWith('insert'), true);
      }
    }
    if (system === 'Graphile Worker') {
      // `quickAddJob(options, name, payload)`.
      for (const id of fi.identifiers('quickAddJob')) {
        const call = fi.parents.get(id);
        if (call?.type === T.CallExpression && call.callee === id && named(call.arguments[1])) produced(call, m.enqueuedWith('quickAddJob'), false);
      }
      // A crontab line `0 4 * * * name` in the worker's options or a crontab string.
      for (const cron of text.matchAll(crontabLine(name))) {
        const cronLine = lineNumberAt(text, cron.index);
        paths.push({ ...toPath(entry(CRON_SCHEDULE, `${m.scheduled(name, cron[1], `${f}:${cronLine}`)}; it runs ${worker}`, fi.ast, { schedule: cron[1] }), f), line: cronLine });
      }
    }
    // A schedule: pg-boss `boss.schedule(name, cron)`, Agenda `agenda.every(interval, name)`.
    const scheduler = system === 'pg-boss' ? { method: 'schedule', name: 0, spec: 1 } : system === 'Agenda' ? { method: 'every', name: 1, spec: 0 } : null;
    for (const call of scheduler ? fi.memberCalls(scheduler.method) : []) {
      if (!named(call.arguments[scheduler!.name]) || !ofSystem(system, text, call)) continue;
      const spec = stringArg(call.arguments[scheduler!.spec], strings);
      const cron = spec !== null && looksLikeCronSpec(spec) ? spec : undefined;
      paths.push(toPath(entry(CRON_SCHEDULE, `${m.scheduled(name, spec ?? '?', `${f}:${call.loc.start.line}`)}; it runs ${worker}`, call, cron ? { schedule: cron } : {}), f));
    }
  }
  if (paths.length === 0) paths.push(openPath(QUEUE_WORKER, m.nothingStarts(`${system} job`, name, where), workerFile, line));
  return paths;
}

// ---- Bree

interface BreeJob {
  /** A cron spec, or the interval / timeout / date as written; null for a job listed with none. */
  when: string | null;
  cron?: string;
  where: string;
}

const breeByProject = new WeakMap<ProjectIndex, Map<string, BreeJob>>();

/** The jobs of every `new Bree({ jobs: [...] })` in the project, by name (`when` is null for a job with no interval, cron, timeout or date). */
function breeJobs(q: RuleContext): Map<string, BreeJob> {
  const { project } = q;
  let found = breeByProject.get(project);
  if (found) return found;
  breeByProject.set(project, (found = new Map()));
  for (const f of project.filesPassing(MAKES_BREE)) {
    const text = project.text(f);
    if (!text) continue;
    const fi = project.get(f);
    for (const id of fi?.identifiers('Bree') ?? []) {
      const made = fi!.parents.get(id);
      if (made?.type !== T.NewExpression || made.callee !== id) continue;
      const options = objectProps(made.arguments[0]);
      const shared = ['interval', 'timeout'].map((k) => stringArg(options.get(k), q.stringOf(f))).find((v) => v !== null) ?? null;
      const jobs = options.get('jobs');
      for (const job of jobs?.type === T.ArrayExpression ? jobs.elements : []) {
        const props = job?.type === T.ObjectExpression ? objectProps(job) : null;
        const name = job?.type === T.Literal ? literal(job) : literal(props?.get('name'));
        if (!name || !job) continue;
        const cron = literal(props?.get('cron'));
        const when = cron ?? ['interval', 'timeout', 'date'].map((k) => literal(props?.get(k))).find((v) => v !== undefined) ?? shared;
        found.set(name, { when: when ?? null, cron: cron && looksLikeCronSpec(cron) ? cron : undefined, where: `${f}:${job.loc.start.line}` });
      }
    }
  }
  return found;
}

/** A Bree job's file (`jobs/<name>.js`, run in a worker thread): module-level code run on the job's schedule. */
export function breeJobFile(q: ModuleQuestion): EntryMatch | null {
  const job = /(^|\/)jobs\/([\w.-]+)$/.exec(stripExtension(q.file));
  if (!job) return null;
  const found = breeJobs(q).get(job[2]);
  if (!found?.when) return null; // an unscheduled listing is left to the file's own evidence
  return entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.bree(job[2], found.when, found.where), q.fi.ast, found.cron ? { schedule: found.cron } : {});
}

/** Whether a `new Bree({ jobs })` lists the file as a job, with a schedule or not: Bree runs it in a worker thread, not a person. */
export function isBreeJobFile(q: ModuleQuestion): boolean {
  const job = /(^|\/)jobs\/([\w.-]+)$/.exec(stripExtension(q.file));
  return job !== null && breeJobs(q).has(job[2]);
}

// ---- Graphile Worker task lists

const GRAPHILE_RUNNERS = new Set(['run', 'runOnce', 'makeWorker', 'runTaskList', 'runTaskListOnce']);

/** `run({ taskList })` and kin from graphile-worker: the tasks it is handed are traced by name (graphileTask), so the call itself decides nothing. */
export function graphileRunner(q: CallQuestion): Path[] | null {
  const { call, fi } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.Identifier || !GRAPHILE_RUNNERS.has(call.callee.name)) return null;
  return fi.resolve(call.callee)?.import?.source === 'graphile-worker' ? [] : null;
}

/** `taskList: x` handed to a graphile-worker runner. */
export function isGraphileTaskList(fi: SyntaxModel, prop: TSESTree.Property, call: TSESTree.CallExpression | TSESTree.NewExpression | null): boolean {
  if (!call || call.type !== T.CallExpression || call.callee.type !== T.Identifier || propertyName(prop.key, prop.computed) !== 'taskList') return false;
  return GRAPHILE_RUNNERS.has(call.callee.name) && fi.resolve(call.callee)?.import?.source === 'graphile-worker';
}

/** The same, when the task list reaches the runner as an option (`run({ connectionString, taskList })`). */
export function graphileTaskListOption(q: OptionQuestion): Path[] | null {
  return q.key === 'taskList' ? graphileRunner(q) : null;
}

/**
 * A function kept in a Graphile Worker task list under a task's name (`taskList: { send_digest: sendDigest }`,
 * `const taskList: TaskList = { send_digest: async (payload) => … }`): decided by whoever adds that job.
 * Nothing for any other function.
 */
export function graphileTask(q: FunctionQuestion): Path[] {
  const { fi, fn, name, file, project } = q;
  if (!graphileFiles(project).length) return [];
  const self = fi.outermost(fn);
  const holder = fi.parents.get(self);
  const keys = new Set<string>();
  // Written inline in the list.
  if (holder?.type === T.Property && holder.value === self && isTaskList(fi, fi.parents.get(holder))) {
    const key = propertyName(holder.key, holder.computed);
    if (key) keys.add(key);
  }
  // Or kept in a list by its name, here or where it is imported.
  if (name && /^[\w$]+$/.test(name)) {
    for (const f of graphileFiles(project)) {
      const lfi = project.get(f);
      if (!lfi || !identifierPattern(name).test(lfi.text)) continue;
      for (const id of lfi.identifiers(name)) {
        const prop = lfi.parents.get(id);
        if (prop?.type !== T.Property || prop.value !== id || !isTaskList(lfi, lfi.parents.get(prop))) continue;
        const b = lfi.resolve(id);
        const same = f === file ? b?.declarator !== undefined || b?.import === undefined : b?.import !== undefined;
        const key = propertyName(prop.key, prop.computed);
        if (same && key) keys.add(key);
      }
    }
  }
  const line = fn.loc.start.line;
  return [...keys].flatMap((key) => namedJobPaths(q, 'Graphile Worker', key, `${file}:${line}`, file, line));
}

/** An object literal that is a task list: the value of a `taskList` property, or a declarator named `taskList` / typed `TaskList`. */
function isTaskList(fi: SyntaxModel, obj: TSESTree.Node | undefined): boolean {
  if (obj?.type !== T.ObjectExpression) return false;
  const holder = fi.parents.get(obj);
  if (holder?.type === T.Property && holder.value === obj) return propertyName(holder.key, holder.computed) === 'taskList';
  if (holder?.type !== T.VariableDeclarator || holder.id.type !== T.Identifier) return false;
  const type = holder.id.typeAnnotation?.typeAnnotation;
  return /^(taskList|tasks)$/i.test(holder.id.name) || (type?.type === T.TSTypeReference && type.typeName.type === T.Identifier && type.typeName.name === 'TaskList');
}

/** Files that use graphile-worker (import it, or name its TaskList). */
const USES_GRAPHILE = textTest((text) => text.includes('graphile-worker') && PACKAGE['Graphile Worker'].test(text) && /\btaskList\b|\bTaskList\b/.test(text));

function graphileFiles(project: ProjectIndex): readonly string[] {
  return project.filesPassing(USES_GRAPHILE);
}
