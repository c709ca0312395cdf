// Schedules: node-cron, cron's CronJob, croner's Cron, node-schedule, NestJS @Cron, and GitHub Actions workflows run
// on a schedule; and how many runs a day a cron expression makes, for the volume estimate.
import { parse as parseYaml } from 'yaml';
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { visit, type Node } from '../../parse/walk';
import type { ProjectIndex } from '../../project';
import type { SyntaxModel } from '../../syntax/model';
import { propertyName } from '../../syntax/nodes';
import type { Classification } from '../../model';
import { Path, toPath } from '../path';
import { commandRunsFile, scriptNamesIn, scriptsRunning } from './cli';
import type { CallNode, ModuleQuestion, OptionQuestion } from './hooks';
import { looksLikeCronSpec, objectProps, receiverName, stringArg } from './read';
import { defineRule, entry, EntryMatch, NO_STRINGS, StringOf } from './rule';
import { stripExtension } from '../../project';

export const CRON_SCHEDULE = defineRule({
  id: 'cron-schedule',
  effect: 'batchable',
  title: 'Runs on a cron schedule',
  configFiles: ['serverless.yml', 'serverless.yaml', 'template.yaml', 'template.yml', 'wrangler.toml', 'wrangler.json', 'wrangler.jsonc', 'netlify.toml', 'supabase/migrations/*.sql', 'nuxt.config.ts', 'nuxt.config.js', 'nuxt.config.mjs', 'nitro.config.ts', 'nitro.config.js', 'nitro.config.mjs'],
  messages: {
    cronJob: (spec: string | null, how: string, where: string) => `runs on the cron schedule ${spec ? `'${spec}'` : ''} (${how}) at ${where}`.replace('  ', ' '),
    nodeScheduleJob: (where: string) => `runs on a node-schedule job at ${where}`,
    schedule: (spec: string | null, where: string) => `runs on the ${spec ? `schedule '${spec}'` : 'node-schedule job'} at ${where}`,
    nest: (decorator: string, where: string) => `NestJS @${decorator}() scheduled job at ${where}`,
    job: (kind: string, id: string, cron: string, where: string) => `${kind} '${id}' runs on the cron schedule '${cron}' at ${where}`,
    lambda: (what: string, expression: string) => `${what} on the schedule '${expression}'`,
    pgCron: (fn: string, where: string, spec: string, job: string) => `the Supabase Edge Function '${fn}' (${where}) is posted to by the pg_cron job at ${job}${spec ? ` on the schedule '${spec}'` : ''}`,
    bree: (name: string, when: string, where: string) => `the Bree job '${name}' runs this file on '${when}' (${where})`,
    lambdaTyped: (what: string) => `${what}: an EventBridge schedule (the rule and its schedule are outside the workspace)`,
    netlify: (spec: string, file: string) => `Netlify scheduled function ('${spec}', the \`config.schedule\` of ${file})`,
    firebase: (spec: string | null, where: string) => `Firebase scheduled function${spec ? ` ('${spec}')` : ''} at ${where}`,
    nitro: (name: string, crons: readonly string[], config: string) => `the Nitro task '${name}', run on the schedule${crons.length > 1 ? 's' : ''} '${crons.join("', '")}' by the \`scheduledTasks\` of ${config}`,
    worker: (where: string, crons: readonly string[]) => `the Worker's \`scheduled\` handler at ${where}, run by the wrangler cron trigger${crons.length > 1 ? 's' : ''} '${crons.join("', '")}'`,
  },
});

export const SCHEDULED_WORKFLOW = defineRule({
  id: 'scheduled-workflow',
  effect: 'batchable',
  title: 'Run by a scheduled GitHub Actions workflow',
  configFiles: ['.github/workflows/*.yml', '.github/workflows/*.yaml'],
  messages: {
    workflow: (how: string, file: string, crons: readonly string[]) => `run by ${how} in the scheduled GitHub Actions workflow ${file}${crons.length ? ` on the schedule '${crons.join("', '")}'` : ''}`,
    route: (route: string, method: string, command: string, file: string, crons: readonly string[]) =>
      `the route ${method} ${route} is requested by \`${command}\` in the scheduled GitHub Actions workflow ${file}${crons.length ? ` on the schedule '${crons.join("', '")}'` : ''}, not by a person`,
    viaScript: (name: string) => `the npm script \`${name}\``,
    command: (line: string) => `\`${line}\``,
  },
});

export const RULES = [CRON_SCHEDULE, SCHEDULED_WORKFLOW] as const;

/**
 * `new CronJob(spec, fn)`, croner's `new Cron(spec, fn)`, `scheduleJob(spec, fn)`, `cron.schedule('0 * * * *', fn)`;
 * node-cron's `schedule` also with a spec Batchwise cannot read (a helper's parameter), when the
 * receiver is node-cron's import.
 */
export function cronRegistration(call: CallNode, file: string, stringOf: StringOf = NO_STRINGS, fi?: SyntaxModel): EntryMatch | null {
  const where = `${file}:${call.loc.start.line}`;
  // croner: `new Cron(spec, [options,] fn)` or `Cron(spec, fn)`; a date string instead of a spec runs once, which is no schedule.
  if (call.callee.type === T.Identifier && call.callee.name === 'Cron') {
    const spec = stringArg(call.arguments[0], stringOf);
    return spec !== null && looksLikeCronSpec(spec) ? entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.cronJob(spec, 'croner', where), call, { schedule: spec }) : null;
  }
  if (call.type === T.NewExpression) {
    if (call.callee.type !== T.Identifier || call.callee.name !== 'CronJob') return null;
    const spec = stringArg(call.arguments[0], stringOf);
    return entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.cronJob(spec, 'new CronJob', where), call, { schedule: spec ?? undefined });
  }
  if (call.callee.type === T.Identifier) return call.callee.name === 'scheduleJob' ? entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.nodeScheduleJob(where), call) : null;
  if (call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  const first = stringArg(call.arguments[0], stringOf);
  const nodeCron = () => call.callee.type === T.MemberExpression && call.callee.object.type === T.Identifier && fi?.resolve(call.callee.object)?.import?.source === 'node-cron';
  if (method === 'schedule' && first === null && nodeCron()) return entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.cronJob(null, 'node-cron `schedule`', where), call);
  if (method === 'scheduleJob' || (method === 'schedule' && first !== null && looksLikeCronSpec(first))) {
    return entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.schedule(first, where), call, { schedule: first ?? undefined });
  }
  return null;
}

/** cron's `CronJob.from({ cronTime, onTick })`. */
export function cronOption(q: OptionQuestion): Path[] | null {
  const { call, key, props } = q;
  const callee = call.callee;
  const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : callee.type === T.Identifier ? callee.name : null;
  const receiver = callee.type === T.MemberExpression ? receiverName(callee.object) : null;
  if (key !== 'onTick' || !(method === 'from' || method === 'CronJob') || !(receiver === 'CronJob' || method === 'CronJob')) return null;
  const spec = stringArg(props.get('cronTime'), q.stringOf(q.file));
  return [toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.cronJob(spec, 'CronJob.from', `${q.file}:${call.loc.start.line}`), call, { schedule: spec ?? undefined }), q.file)];
}

// ---- Nitro (and Nuxt server) tasks

const NITRO_CONFIGS = ['nuxt.config.ts', 'nuxt.config.js', 'nuxt.config.mjs', 'nitro.config.ts', 'nitro.config.js', 'nitro.config.mjs'];

/**
 * A Nitro task, `export default defineTask({ meta: { name }, run })` in `tasks/` (`server/tasks/` in Nuxt),
 * named by `meta.name` or its path (`server/tasks/db/sync.ts` is 'db:sync'): run on the cron schedules the
 * config's `scheduledTasks` lists it under (`{ '0 3 * * *': ['db:sync'] }`, in nuxt.config or nitro.config
 * beside the tasks folder). A task no schedule lists is left to whoever runs it (`runTask`).
 */
export function nitroTask(q: OptionQuestion): Path[] | null {
  const { call, key, props, file } = q;
  if (key !== 'run' || call.callee.type !== T.Identifier || call.callee.name !== 'defineTask') return null;
  const path = /^(.*\/)?tasks\/(.+)\.[cm]?[jt]s$/.exec(file);
  if (!path) return null;
  // The config sits beside `tasks/` (Nitro) or beside the `server/` that holds it (Nuxt).
  const root = (path[1] ?? '').replace(/(^|\/)server\/$/, '$1');
  const meta = objectProps(props.get('meta')).get('name');
  const name = meta?.type === T.Literal && typeof meta.value === 'string' ? meta.value : path[2].replace(/\//g, ':');
  for (const config of NITRO_CONFIGS.map((c) => `${root}${c}`)) {
    const crons = scheduledTasks(q.project, config).get(name);
    if (crons) return [toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.nitro(name, crons, config), call, crons.length === 1 ? { schedule: crons[0] } : {}), file)];
  }
  return null;
}

const scheduledByProject = new WeakMap<ProjectIndex, Map<string, Map<string, string[]>>>();

/** The `scheduledTasks` of a Nitro or Nuxt config: each task's cron schedules (read once per config). */
function scheduledTasks(project: ProjectIndex, config: string): Map<string, string[]> {
  let configs = scheduledByProject.get(project);
  if (!configs) scheduledByProject.set(project, (configs = new Map()));
  let byTask = configs.get(config);
  if (!byTask) configs.set(config, (byTask = readScheduledTasks(project, config)));
  return byTask;
}

function readScheduledTasks(project: ProjectIndex, config: string): Map<string, string[]> {
  const byTask = new Map<string, string[]>();
  const fi = project.text(config) === undefined ? undefined : project.get(config);
  if (!fi || !fi.text.includes('scheduledTasks')) return byTask;
  visit(fi.ast, (n: Node) => {
    if (n.type !== T.Property || propertyName(n.key, n.computed) !== 'scheduledTasks' || n.value.type !== T.ObjectExpression) return;
    for (const p of n.value.properties) {
      const spec = p.type === T.Property ? propertyName(p.key, p.computed) : null;
      if (p.type !== T.Property || !spec) continue;
      const tasks = p.value.type === T.ArrayExpression ? p.value.elements : [p.value];
      for (const t of tasks) if (t?.type === T.Literal && typeof t.value === 'string') byTask.set(t.value, [...(byTask.get(t.value) ?? []), spec]);
    }
  });
  return byTask;
}

// ---- GitHub Actions

export interface ScheduledWorkflow {
  file: string;
  crons: string[];
  /** The `run:` commands of its steps. */
  runs: string[];
}

/** GitHub Actions workflows triggered by `on: schedule`. Unreadable YAML names no workflow. */
export function readScheduledWorkflows(files: readonly string[], read: (p: string) => string | undefined, parse: (file: string, text: string) => unknown = (_, text) => parseYaml(text)): ScheduledWorkflow[] {
  const out: ScheduledWorkflow[] = [];
  for (const file of files) {
    if (!/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(file)) continue;
    const text = read(file);
    if (!text) continue;
    let doc: unknown;
    try {
      doc = parse(file, text);
    } catch {
      continue;
    }
    const wf = doc as { on?: unknown; true?: unknown; jobs?: Record<string, { steps?: { run?: unknown }[] }> } | null;
    const on = (wf?.on ?? wf?.true) as { schedule?: { cron?: unknown }[] } | undefined;
    if (!on || typeof on !== 'object' || !Array.isArray(on.schedule)) continue;
    const crons = on.schedule.map((s) => String(s?.cron ?? '')).filter(Boolean);
    const runs: string[] = [];
    for (const job of Object.values(wf?.jobs ?? {})) {
      for (const step of job?.steps ?? []) if (typeof step?.run === 'string') runs.push(step.run);
    }
    out.push({ file, crons, runs });
  }
  return out;
}

const workflowsByProject = new WeakMap<ProjectIndex, ScheduledWorkflow[]>();

function workflowsOf(project: ProjectIndex): ScheduledWorkflow[] {
  let found = workflowsByProject.get(project);
  if (!found) workflowsByProject.set(project, (found = readScheduledWorkflows(project.source.configFiles ?? [], (p) => project.configText(p), (file, text) => project.fromText(file, 'yaml', text, parseYaml))));
  return found;
}

/** A scheduled workflow step that runs the file, directly or through one of the root package's npm scripts. */
export function scheduledWorkflow(q: ModuleQuestion): EntryMatch | null {
  const workflows = workflowsOf(q.project);
  if (workflows.length === 0) return null;
  const stem = stripExtension(q.file);
  const scriptsRunningFile = scriptsRunning(q.project, q.file).find((p) => p.dir === '')?.scripts ?? [];
  for (const wf of workflows) {
    for (const run of wf.runs) {
      const viaScript = scriptsRunningFile.find(([name]) => scriptNamesIn(run).includes(name));
      if (viaScript || commandRunsFile(run, stem)) {
        const how = viaScript ? SCHEDULED_WORKFLOW.messages.viaScript(viaScript[0]) : SCHEDULED_WORKFLOW.messages.command(run.trim().split('\n')[0]);
        return entry(SCHEDULED_WORKFLOW, SCHEDULED_WORKFLOW.messages.workflow(how, wf.file, wf.crons), q.fi.ast);
      }
    }
  }
  return null;
}

/** An HTTP request a workflow step makes with curl or wget: the URL's path, the method, the command. */
export interface WorkflowRequest {
  path: string;
  method: string;
  command: string;
}

/**
 * The requests in a step's `run:` text: `curl -X POST "https://example.com/api/cron/digest"`,
 * `` curl "${{ secrets.APP_URL }}/api/cron/cleanup" ``, `wget -qO- $SITE/api/jobs`. Without `-X` the method
 * is POST when data is sent, else GET. A command continued with a backslash is read as one line.
 */
export function workflowRequests(run: string): WorkflowRequest[] {
  const out: WorkflowRequest[] = [];
  for (const raw of run.replace(/\\\r?\n/g, ' ').split(/\r?\n|&&|\|\||;/)) {
    const command = raw.trim();
    if (!/(^|[\s(])(curl|wget)\s/.test(command)) continue;
    const explicit = /(?:\s-X\s*|\s--request[=\s]+|\s--method[=\s]+)['"]?([A-Za-z]+)/.exec(command)?.[1];
    const method = explicit?.toUpperCase() ?? (/\s(-d|--data(-\w+)?|-F|--form|--json|--post-data)[=\s]/.test(command) ? 'POST' : 'GET');
    for (const m of command.matchAll(/(?:https?:\/\/[^/\s"'$]+|\}\}|\$\{?\w+\}?)(\/[^\s"'?#]*)/g)) {
      // The command as far as the URL (and its closing quote), on one line.
      let end = m.index! + m[0].length;
      if (command[end] === '"' || command[end] === "'") end++;
      const shown = command.slice(0, end).replace(/\s+/g, ' ');
      out.push({ path: m[1].replace(/\/+$/, '') || '/', method, command: shown.length > 160 ? `${shown.slice(0, 159)}…` : shown });
    }
  }
  return out;
}

/** A request to this route path with this method (any method when null) by a step of a scheduled workflow. */
export function scheduledRequest(project: ProjectIndex, route: string, method: string | null): { request: WorkflowRequest; workflow: ScheduledWorkflow } | null {
  for (const wf of workflowsOf(project)) {
    for (const run of wf.runs) {
      const request = workflowRequests(run).find((r) => r.path === route && (method === null || r.method === method));
      if (request) return { request, workflow: wf };
    }
  }
  return null;
}

// ---- how often

/** AWS `cron(0 6 * * ? *)` and simple `rate(5 minutes)` as a five-field cron spec, for the volume estimate. */
export function awsScheduleToCron(expression: string): string | undefined {
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    return fields.length === 6 ? fields.slice(0, 5).join(' ') : undefined;
  }
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!rate) return undefined;
  const n = Number(rate[1]);
  if (rate[2].startsWith('minute')) return n === 1 ? '* * * * *' : `*/${n} * * * *`;
  if (rate[2].startsWith('hour')) return n === 1 ? '0 * * * *' : `0 */${n} * * *`;
  return n === 1 ? '0 0 * * *' : undefined;
}

/** Netlify's and others' schedule shorthands as cron specs. */
export function scheduleShorthand(spec: string): string | undefined {
  const known: Record<string, string> = { '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *' };
  return known[spec.trim()] ?? (looksLikeCronSpec(spec) ? spec : undefined);
}

function fieldCount(field: string, min: number, max: number): number | null {
  let total = 0;
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return null;
    let lo = min;
    let hi = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range.split('-');
      lo = Number(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : Number(b);
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi) return null;
    }
    total += Math.floor((hi - lo) / step) + 1;
  }
  return total;
}

/** Average runs per day of a cron expression (five or six fields, seconds first when six), or null when it is not a plain numeric spec. */
export function cronRunsPerDay(spec: string): number | null {
  const fields = spec.trim().split(/\s+/);
  if (fields.length === 6) fields.shift(); // seconds: at most once a minute matters for a batch decision
  if (fields.length !== 5) return null;
  const [minute, hour, dom, month, dow] = fields;
  const minutes = fieldCount(minute, 0, 59);
  const hours = fieldCount(hour, 0, 23);
  const days = dom === '*' || dom === '?' ? 1 : (fieldCount(dom, 1, 31) ?? NaN) / 30.44;
  const months = month === '*' ? 1 : (fieldCount(month, 1, 12) ?? NaN) / 12;
  const weekdays = dow === '*' || dow === '?' ? 1 : (fieldCount(dow.replace(/7/g, '0'), 0, 6) ?? NaN) / 7;
  if (minutes === null || hours === null) return null;
  const perDay = minutes * hours * days * months * weekdays;
  return Number.isFinite(perDay) ? perDay : null;
}

/**
 * When every path is a cron schedule with no loop between it and the call, the schedule says how many
 * calls a day there are: one per run.
 */
export function scheduledVolume(batch: readonly Path[]): Pick<Classification, 'volume'> {
  if (batch.some((p) => !p.schedule || p.loops.length > 0 || p.more)) return {};
  let perDay = 0;
  for (const p of batch) {
    const runs = cronRunsPerDay(p.schedule!);
    if (runs === null) return {};
    perDay += runs;
  }
  const specs = batch.map((p) => `'${p.schedule}'`).join(', ');
  return { volume: { callsPerDay: perDay, source: `the cron schedule ${specs} (one call per run)` } };
}
