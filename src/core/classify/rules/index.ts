// The registry: every context rule the classifier can cite, by family, and the order in which the
// walk asks the families at each place (rules/hooks.ts). A new family is one module plus rows here.
import * as apps from './apps';
import * as bots from './bots';
import * as calls from './calls';
import * as cli from './cli';
import * as cloudflareJobs from './cloudflareJobs';
import * as convex from './convex';
import * as data from './data';
import * as evals from './evals';
import * as httpServers from './httpServers';
import * as jobs from './jobs';
import * as langgraph from './langgraph';
import * as metaFrameworks from './metaFrameworks';
import * as motia from './motia';
import * as namedJobs from './namedJobs';
import * as reach from './reach';
import * as schedules from './schedules';
import * as scripts from './scripts';
import * as sequential from './sequential';
import * as serverless from './serverless';
import * as supabase from './supabase';
import * as temporal from './temporal';
import * as terminal from './terminal';
import * as upstash from './upstash';
import type { CallQuestion, Hooks } from './hooks';
import { Path, toPath } from '../path';

export const RULES = [
  ...calls.RULES,
  ...httpServers.RULES,
  ...metaFrameworks.RULES,
  ...serverless.RULES,
  ...bots.RULES,
  ...apps.RULES,
  ...terminal.RULES,
  ...cli.RULES,
  ...scripts.RULES,
  ...schedules.RULES,
  ...data.RULES,
  ...evals.RULES,
  ...jobs.RULES,
  ...convex.RULES,
  ...motia.RULES,
  ...reach.RULES,
  ...sequential.RULES,
  ...upstash.RULES,
  ...langgraph.RULES,
] as const;

/** Every rule id; a rule is cited by its object, so a misspelt id cannot compile. */
export type RuleId = (typeof RULES)[number]['id'];
export type RegisteredRule = (typeof RULES)[number];

const BY_ID = new Map<string, RegisteredRule>(RULES.map((r) => [r.id, r]));

export function ruleById(id: RuleId): RegisteredRule;
export function ruleById(id: string): RegisteredRule | undefined;
export function ruleById(id: string): RegisteredRule | undefined {
  return BY_ID.get(id);
}

/** The order the walk asks the families in, at each place; the first answer decides. */
export const HOOKS: Hooks = {
  moduleEntries: [httpServers.serverStartup, schedules.scheduledWorkflow, namedJobs.breeJobFile, cli.packageScript, evals.evalFile, evals.evalDefinitionFile, cli.executable, cli.standaloneProgram, scripts.standaloneScript],
  scopeEntries: [terminal.promptRead],
  functionMarks: [metaFrameworks.serverActionFunction],
  functionEntries: [httpServers.nestDecorator, httpServers.graphqlResolver, apps.componentOrHook, httpServers.streamsToClient],
  functionPaths: [jobs.registeredProcessor, temporal.temporalActivity, cloudflareJobs.cloudflareWorkflow, namedJobs.graphileTask],
  functionFallbacks: [evals.evalFunction],
  callEntries: [terminal.stdinLines, apps.reactHook, evals.evalRunner, jobs.queueWorker, jobs.jobEntry, namedJobs.namedJobWorker, namedJobs.graphileRunner, temporal.temporalWorker, upstash.upstashHandler, convex.convexCall, supabase.pgCronFunction, httpServers.rpcBuilder, registrationEntry, serverless.firebaseTrigger],
  optionEntries: [jobs.jobOption, namedJobs.graphileTaskListOption, convex.convexOption, httpServers.httpOption, schedules.cronOption, schedules.nitroTask],
  exportConventions: [motia.motiaStep, serverless.scheduledFunction, metaFrameworks.frameworkExport, serverless.platformFunctionExport, bots.discordModuleExport, metaFrameworks.serverActionExport, serverless.lambdaExport, serverless.typedLambda, namedJobs.graphileTaskFile, scripts.exampleRunnerExport, cli.yargsCommandModule],
  exportHints: [serverless.unmappedLambda],
  memberConventions: [metaFrameworks.frameworkMember, serverless.workerHandler, cli.yargsCommandModule],
  registrations: [httpServers.httpRegistration, schedules.cronRegistration, bots.botRegistration, apps.appRegistration],
};

/** A handler handed to a registration call (`app.post('/x', fn)`, `cron.schedule(spec, fn)`): the entry it makes. */
function registrationEntry(q: CallQuestion): Path[] | null {
  const stringOf = q.stringOf(q.file);
  for (const match of HOOKS.registrations) {
    const found = match(q.call, q.file, stringOf, q.fi);
    if (found) return [toPath(found, q.file)];
  }
  return null;
}
