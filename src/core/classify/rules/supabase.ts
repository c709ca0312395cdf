// Supabase Edge Functions run by pg_cron: a migration schedules `net.http_post` to
// `…/functions/v1/<name>` inside `cron.schedule(…)`, so the function `supabase/functions/<name>/`
// serves a schedule, not a person. Its other callers (`supabase.functions.invoke('<name>')`) are walked
// as they are: a page that invokes it waits for the answer.
import { AST_NODE_TYPES as T } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
import { propertyName } from '../../syntax/nodes';
import { Path, toPath } from '../path';
import type { CallQuestion } from './hooks';
import { literal, looksLikeCronSpec, receiverName } from './read';
import { entry } from './rule';
import { CRON_SCHEDULE } from './schedules';
import { lineNumberAt } from '../../parse/lineNumbers';

const EDGE_FUNCTION = /(^|\/)supabase\/functions\/([^/]+)\/index\.[cm]?[jt]sx?$/;

interface PgCronJob {
  file: string;
  line: number;
  spec: string;
}

const cronsByProject = new WeakMap<ProjectIndex, Map<string, PgCronJob[]>>();

/** `cron.schedule('job', '*\/5 * * * *', $$ … net.http_post(url := '…/functions/v1/<name>' …) $$)` in the migrations: the functions each job posts to. */
export function readPgCronJobs(files: readonly string[], read: (f: string) => string | undefined): Map<string, PgCronJob[]> {
  const byFunction = new Map<string, PgCronJob[]>();
  for (const file of files) {
    if (!/(^|\/)supabase\/migrations\/[^/]+\.sql$/i.test(file)) continue;
    const text = read(file);
    if (!text || !/cron\s*\.\s*schedule/i.test(text)) continue;
    // Each job's text runs from its `cron.schedule(` to the next one.
    const starts = [...text.matchAll(/cron\s*\.\s*schedule\s*\(/gi)].map((m) => m.index!);
    starts.forEach((start, i) => {
      const body = text.slice(start, starts[i + 1] ?? text.length);
      const spec = [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]).find(looksLikeCronSpec);
      const line = lineNumberAt(text, start);
      for (const target of body.matchAll(/\/functions\/v1\/([\w-]+)/g)) {
        const list = byFunction.get(target[1]) ?? [];
        list.push({ file, line, spec: spec ?? '' });
        byFunction.set(target[1], list);
      }
    });
  }
  return byFunction;
}

function pgCronJobs(project: ProjectIndex): Map<string, PgCronJob[]> {
  let found = cronsByProject.get(project);
  if (!found) cronsByProject.set(project, (found = readPgCronJobs(project.source.configFiles ?? [], (f) => project.text(f))));
  return found;
}

/** `Deno.serve(handler)` / std `serve(handler)` of an Edge Function that a pg_cron job posts to: a cron job, and whoever else invokes it by name. */
export function pgCronFunction(q: CallQuestion): Path[] | null {
  const { call, file, project } = q;
  const fn = EDGE_FUNCTION.exec(file);
  if (!fn || call.type !== T.CallExpression) return null;
  const callee = call.callee;
  const isServe = callee.type === T.Identifier ? callee.name === 'serve' : callee.type === T.MemberExpression && propertyName(callee.property, callee.computed) === 'serve' && receiverName(callee.object) === 'Deno';
  const jobs = isServe ? pgCronJobs(project).get(fn[2]) : undefined;
  if (!jobs) return null;
  const where = `${file}:${call.loc.start.line}`;
  const paths: Path[] = jobs.map((job) =>
    toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.pgCron(fn[2], where, job.spec, `${job.file}:${job.line}`), call, { platform: 'a Supabase Edge Function', ...(job.spec ? { schedule: job.spec } : {}) }), file),
  );
  // The same function invoked by name from the app: that caller waits for its answer.
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !text.includes(fn[2]) || !text.includes('invoke')) continue;
    for (const invoke of project.get(f)?.memberCalls('invoke') ?? []) {
      if (literal(invoke.arguments[0]) === fn[2]) for (const p of q.walk(f, invoke)) paths.push(p);
    }
  }
  return paths;
}
