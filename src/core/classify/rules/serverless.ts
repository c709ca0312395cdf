// Serverless platforms: AWS Lambda (serverless.yml and SAM templates map a handler to its events),
// Netlify and Vercel functions (and their schedules), Cloudflare Workers' cron triggers and queues,
// Firebase Cloud Functions triggers. A platform stops a run after minutes, which a batch outlasts.
import { parse as parseYaml } from 'yaml';
import { typescript } from '../../heavy';
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { visit } from '../../parse/walk';
import { dirname, joinPath, ProjectIndex, stripExtension } from '../../project';
import type { SyntaxModel } from '../../syntax/model';
import { Node, propertyName, unwrap } from '../../syntax/nodes';
import { openPath, Path, pushAll, toPath } from '../path';
import type { CallQuestion, ExportQuestion, MemberQuestion } from './hooks';
import { HTTP_ROUTE_HANDLER, WEBSOCKET_HANDLER } from './httpServers';
import { cloudflareQueueProducers } from './cloudflareJobs';
import { followUpOf, packageDir, QUEUE_WORKER } from './jobs';
import { frameworkConvention, nextRoutePath, NEXTJS_API_ROUTE, ROUTE_EXPORTS } from './metaFrameworks';
import { NO_ENTRY_POINT } from './reach';
import { exportedValues, looksLikeCronSpec, objectProps, stringArg } from './read';
import { defineRule, entry, EntryMatch } from './rule';
import { cdkApps, cdkFunctions } from './cdk';
import { awsScheduleToCron, CRON_SCHEDULE, SCHEDULED_WORKFLOW, scheduledRequest, scheduleShorthand } from './schedules';

export const VERCEL_CRON = defineRule({
  id: 'vercel-cron',
  effect: 'batchable',
  title: 'A route run by a vercel.json cron',
  configFiles: ['vercel.json'],
  messages: {
    route: (route: string, schedule: string) => `the route ${route} is run by a vercel.json cron ('${schedule}'), not by a person`,
    secret: (route: string, where: string) =>
      `the route ${route} turns away any request without the cron secret (\`CRON_SECRET\`, checked at ${where}), so only the scheduler that holds it calls the route, not a person. ` +
      'If people can reach it another way, declare the call with `// batchwise: user-waiting`',
  },
});

export const STORAGE_EVENT = defineRule({
  id: 'storage-event',
  effect: 'batchable',
  title: 'Run by an object written to storage (an S3 event), not by a person',
  configFiles: ['serverless.yml', 'serverless.yaml', 'template.yaml', 'template.yml'],
  messages: {
    s3: (what: string) =>
      `${what}: S3 invokes it asynchronously when an object is written and takes its answer, so whoever wrote the object is not waiting for it. ` +
      'If a client polls for what it produces, declare the call with `// batchwise: user-waiting`',
    followed: (what: string, follow: string) => `${what}: S3 invokes it asynchronously, but ${follow}, so the person who uploaded the object may be watching for this result`,
  },
});

export const STEP_FUNCTIONS = defineRule({
  id: 'step-functions',
  effect: 'batchable',
  title: 'Run by a Standard Step Functions workflow, whose starter does not wait for it',
  messages: {
    standard: (what: string) =>
      `${what}: a Standard workflow runs it, and StartExecution returns as soon as the execution starts, so whoever started the workflow is not waiting for this call. ` +
      'If a client polls the execution for its result, declare the call with `// batchwise: user-waiting`',
    express: (what: string) => `${what}: an Express workflow runs it, which StartSyncExecution (an API Gateway integration) can run while a person waits; who starts it is not traced`,
  },
});

export const RULES = [VERCEL_CRON, STORAGE_EVENT, STEP_FUNCTIONS] as const;

/** A Lambda handler and the event that invokes it, in words (the start of each rule's sentence about it). */
const lambdaEvent = (exportName: string, where: string, type: string, template: string) => `AWS Lambda \`${exportName}\` in ${where}, invoked by its \`${type}\` event (${template})`;

// ---- Netlify and Vercel functions

/** Netlify functions (netlify/functions) and Vercel functions (api/ at the root): HTTP endpoints by their files. */
function platformFunction(file: string, exportName: string, node: Node): EntryMatch | null {
  const where = `${file}:${node.loc.start.line}`;
  const base = stripExtension(file);
  if (/(^|\/)netlify\/(edge-)?functions\//.test(base) && (exportName === 'default' || exportName === 'handler')) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.netlify(where), node);
  if (/^api\//.test(base) && (exportName === 'default' || ROUTE_EXPORTS.has(exportName))) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.vercel(where), node);
  return null;
}

export function platformFunctionExport(q: ExportQuestion): Path[] | null {
  const match = platformFunction(q.file, q.exportName, q.value);
  return match ? [toPath(match, q.file)] : null;
}

/**
 * A route or function a schedule runs instead of a person: a Netlify function with a
 * `config.schedule`, a Next.js route that vercel.json's crons call (with a GET: a POST of the same
 * route is someone else's request).
 */
export function scheduledFunction(q: ExportQuestion): Path[] | null {
  const { file, exportName, value } = q;
  const framework = frameworkConvention(file, exportName, value);
  const platform = framework ? null : platformFunction(file, exportName, value);
  if (platform && /(^|\/)netlify\//.test(stripExtension(file))) {
    const spec = netlifySchedule(q.fi);
    if (spec !== null) {
      const cron = scheduleShorthand(spec);
      return [toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.netlify(spec, file), value, { platform: 'a Netlify function', ...(cron ? { schedule: cron } : {}) }), file)];
    }
  }
  const route = framework && /^nextjs-/.test(framework.rule.id) ? nextRoutePath(file) : null;
  const cronMethod = framework?.rule === NEXTJS_API_ROUTE || exportName === 'GET';
  const schedule = route !== null && cronMethod ? vercelCrons(q.project).get(route) : undefined;
  if (schedule !== undefined) return [toPath(entry(VERCEL_CRON, VERCEL_CRON.messages.route(route!, schedule), value, { platform: 'a Vercel function' }), file)];
  const guard = route !== null ? cronSecretGuard(q.project, file, q.fi, value) : null;
  if (guard) return [toPath(entry(VERCEL_CRON, VERCEL_CRON.messages.secret(route!, guard), value, { platform: 'a Vercel function' }), file)];
  // A scheduled GitHub Actions workflow that requests the route (`curl -X POST https://…/api/cron/digest`):
  // the method must be the export's (a pages/api handler takes any).
  const requested = route !== null ? scheduledRequest(q.project, route, framework?.rule === NEXTJS_API_ROUTE ? null : exportName) : null;
  if (!requested) return null;
  const { request, workflow } = requested;
  const cron = workflow.crons.length === 1 ? scheduleShorthand(workflow.crons[0]) : undefined;
  const message = SCHEDULED_WORKFLOW.messages.route(route!, request.method, request.command, workflow.file, workflow.crons);
  return [toPath(entry(SCHEDULED_WORKFLOW, message, value, cron ? { schedule: cron } : {}), file)];
}

/** What a handler reads that a person's request brings (a session, a signed-in user, cookies): a route that reads one is not the scheduler's alone. */
const PERSON_AUTH = /\b(getServerSession|getSession|currentUser|getUser|getAuth|auth\s*\(\s*\)|cookies\s*\(|clerkClient|withAuth|requireUser|requireAuth)\b/;

/**
 * Where a route handler turns away requests without Vercel's cron secret, as `${file}:${line}`: a
 * comparison with `process.env.CRON_SECRET` in its body, or a call, in its body, of a function imported
 * from a module that reads CRON_SECRET and whose name says it checks (`verifyCronAuth(req)`). Null when
 * there is none, or when the handler also reads a person's session (a route both may call).
 */
function cronSecretGuard(project: ProjectIndex, file: string, fi: SyntaxModel, value: Node): string | null {
  const fn = unwrap(value);
  if (fn.type !== T.ArrowFunctionExpression && fn.type !== T.FunctionExpression && fn.type !== T.FunctionDeclaration) return null;
  const text = fi.text.slice(fn.range[0], fn.range[1]);
  if (PERSON_AUTH.test(text)) return null;
  if (!/\bCRON_SECRET\b|cron|secret/i.test(text)) return null;
  let found: Node | null = null;
  visit(fn, (n) => {
    if (found) return false;
    // `auth !== \`Bearer ${process.env.CRON_SECRET}\``, or against a const that holds it.
    const secret = (side: Node): boolean => {
      const init = side.type === T.Identifier ? fi.bindingOf(side)?.declarator?.init : null;
      const held = init ?? side;
      return /\bCRON_SECRET\b/.test(fi.text.slice(held.range[0], held.range[1]));
    };
    if (n.type === T.BinaryExpression && /^[!=]==?$/.test(n.operator) && (secret(n.left) || secret(n.right))) found = n;
    if (n.type === T.CallExpression && n.callee.type === T.Identifier && /cron|secret/i.test(n.callee.name)) {
      const imported = fi.bindingOf(n.callee)?.import;
      const target = imported ? project.resolveImport(file, imported.source) : null;
      if (target && /\bCRON_SECRET\b/.test(project.text(target) ?? '')) found = n;
    }
  });
  return found ? `${file}:${(found as Node).loc.start.line}` : null;
}

/** `export const config = { schedule: '@daily' }` in a Netlify function: the cron it runs on. */
function netlifySchedule(fi: SyntaxModel): string | null {
  const config = exportedValues(fi).get('config');
  const value = config ? objectProps(unwrap(config)).get('schedule') : undefined;
  return value?.type === T.Literal && typeof value.value === 'string' ? value.value : null;
}

const cronsByProject = new WeakMap<ProjectIndex, Map<string, string>>();

/** Route paths that vercel.json runs on a schedule. */
function vercelCrons(project: ProjectIndex): Map<string, string> {
  let crons = cronsByProject.get(project);
  if (crons) return crons;
  crons = new Map<string, string>();
  cronsByProject.set(project, crons);
  const text = project.text('vercel.json');
  if (!text) return crons;
  try {
    const config = JSON.parse(text) as { crons?: { path?: unknown; schedule?: unknown }[] };
    for (const c of config.crons ?? []) {
      if (typeof c.path === 'string') crons.set(c.path.split('?')[0].replace(/\/$/, '') || '/', String(c.schedule ?? ''));
    }
  } catch {
    // an unreadable vercel.json names no crons
  }
  return crons;
}

// ---- AWS Lambda

/** What invokes an AWS Lambda handler, read from a serverless.yml or a SAM template. */
export interface LambdaFunction {
  /** The template, a project path. */
  template: string;
  /** The handler's module as a project path without extension, and its export. */
  stem: string;
  exportName: string;
  events: LambdaEvent[];
}

/**
 * What invokes a Lambda: a request, a socket message, a schedule, an object written to storage, a Step
 * Functions workflow (Standard or Express), the app's users themselves (its invoke permission granted to
 * a Cognito identity pool's role), or another event source.
 */
export type LambdaEventKind = 'http' | 'socket' | 'schedule' | 'storage' | 'workflow' | 'express-workflow' | 'event' | 'app-users';

export interface LambdaEvent {
  kind: LambdaEventKind;
  /** The event as the template names it: `httpApi`, `schedule`, `sqs`, `Api`, `Schedule`. */
  type: string;
  /** A five-field cron spec, when the schedule can be written as one. */
  schedule?: string;
  /** The schedule as written (`rate(1 day)`, `cron(0 6 * * ? *)`). */
  expression?: string;
}

const SLS_HTTP = new Set(['http', 'httpApi', 'alb', 'cloudFront', 'alexaSkill', 'alexaSmartHome']);

/** The functions of a serverless.yml (`functions.<name>.handler: src/x.handler`, `events: [...]`) in folder `dir`. */
export function readServerlessFunctions(template: string, text: string | undefined, dir: string): LambdaFunction[] {
  const doc = parseYamlLoosely(text) as { functions?: Record<string, { handler?: unknown; events?: unknown }> } | null;
  const out: LambdaFunction[] = [];
  for (const fn of Object.values(doc?.functions ?? {})) {
    if (!fn || typeof fn.handler !== 'string') continue;
    const target = handlerTarget(dir, fn.handler);
    if (!target) continue;
    const events: LambdaEvent[] = [];
    for (const e of Array.isArray(fn.events) ? fn.events : []) {
      if (!e || typeof e !== 'object') continue;
      const [type, value] = Object.entries(e as Record<string, unknown>)[0] ?? [];
      if (!type) continue;
      if (SLS_HTTP.has(type)) events.push({ kind: 'http', type });
      else if (type === 'websocket') events.push({ kind: 'socket', type });
      else if (type === 'schedule' || (type === 'eventBridge' && value && typeof value === 'object' && 'schedule' in value)) {
        const raw = type === 'schedule' ? (typeof value === 'string' ? value : (value as { rate?: unknown })?.rate) : (value as { schedule?: unknown }).schedule;
        const expression = Array.isArray(raw) ? String(raw[0]) : typeof raw === 'string' ? raw : undefined;
        events.push({ kind: 'schedule', type, expression, schedule: expression ? awsScheduleToCron(expression) : undefined });
      } else events.push({ kind: type === 's3' || type === 'existingS3' ? 'storage' : 'event', type });
    }
    out.push({ template, ...target, events });
  }
  return out;
}

/** The functions of a SAM template (`AWS::Serverless::Function` with `Handler`, `CodeUri`, `Events`) in folder `dir`. */
export function readSamFunctions(template: string, text: string | undefined, dir: string): LambdaFunction[] {
  if (!text || !/AWS::(Serverless::Function|Lambda::Function)/.test(text)) return [];
  const doc = parseYamlLoosely(text) as { Globals?: { Function?: { CodeUri?: unknown } }; Resources?: Record<string, { Type?: unknown; Properties?: Record<string, unknown> }> } | null;
  const out: LambdaFunction[] = [];
  const globalUri = typeof doc?.Globals?.Function?.CodeUri === 'string' ? doc.Globals.Function.CodeUri : '';
  for (const res of Object.values(doc?.Resources ?? {})) {
    const props = res?.Properties;
    if (!props || typeof props.Handler !== 'string' || !/Function$/.test(String(res.Type))) continue;
    const codeUri = typeof props.CodeUri === 'string' ? props.CodeUri : globalUri;
    const target = handlerTarget(joinPath(dir, codeUri), props.Handler);
    if (!target) continue;
    const events: LambdaEvent[] = [];
    for (const e of Object.values((props.Events ?? {}) as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>)) {
      const type = String(e?.Type ?? '');
      if (type === 'Api' || type === 'HttpApi') events.push({ kind: 'http', type });
      else if (type === 'Schedule' || type === 'ScheduleV2') {
        const raw = e.Properties?.Schedule ?? e.Properties?.ScheduleExpression;
        const expression = typeof raw === 'string' ? raw : undefined;
        events.push({ kind: 'schedule', type, expression, schedule: expression ? awsScheduleToCron(expression) : undefined });
      } else if (type) events.push({ kind: type === 'S3' ? 'storage' : 'event', type });
    }
    out.push({ template, ...target, events });
  }
  return out;
}

function parseYamlLoosely(text: string | undefined): unknown {
  if (!text) return null;
  try {
    // CloudFormation tags (`!Ref`, `!GetAtt`) are kept as plain values.
    return parseYaml(text, { customTags: CFN_TAGS, logLevel: 'silent' });
  } catch {
    return null;
  }
}

const CFN_TAGS = ['Ref', 'GetAtt', 'Sub', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap', 'Select', 'Split', 'ImportValue', 'GetAZs', 'Base64', 'Cidr', 'Condition'].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({ tag: `!${name}`, collection: collection === 'scalar' ? undefined : collection, resolve: (v: unknown) => v })),
) as never;

/** `src/handlers/chat.handler` → module `src/handlers/chat`, export `handler`. */
function handlerTarget(dir: string, handler: string): { stem: string; exportName: string } | null {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return null;
  return { stem: joinPath(dir, handler.slice(0, dot)), exportName: handler.slice(dot + 1) };
}


const lambdaByProject = new WeakMap<ProjectIndex, Map<string, LambdaFunction[]>>();

/** The Lambda functions that serverless.yml files and SAM templates in the file's folder or above declare, and CDK stacks. */
function lambdaFunctions(project: ProjectIndex, file: string): LambdaFunction[] {
  let byDir = lambdaByProject.get(project);
  if (!byDir) lambdaByProject.set(project, (byDir = new Map()));
  const out: LambdaFunction[] = [];
  let dir = file;
  do {
    dir = dirname(dir);
    let fns = byDir.get(dir);
    if (!fns) {
      const at = (name: string) => (dir === '' ? name : `${dir}/${name}`);
      fns = [];
      for (const name of ['serverless.yml', 'serverless.yaml']) pushAll(fns, readServerlessFunctions(at(name), project.configText(at(name)), dir));
      for (const name of ['template.yaml', 'template.yml']) pushAll(fns, readSamFunctions(at(name), project.configText(at(name)), dir));
      byDir.set(dir, fns);
    }
    pushAll(out, fns);
  } while (dir !== '');
  // And the functions CDK apps define (their stacks name the handler's file).
  for (const app of cdkApps(project, file)) pushAll(out, cdkFunctions(project, app));
  return out;
}

/**
 * An AWS Lambda handler export: what its serverless.yml or SAM template says invokes it. An HTTP
 * API is a person's request, a schedule a cron job, a queue or other event source is not traced.
 */
export function lambdaExport(q: ExportQuestion): Path[] | null {
  const { file, exportName, value } = q;
  const stem = stripExtension(file);
  const fns = lambdaFunctions(q.project, file).filter((f) => f.exportName === exportName && (f.stem === stem || f.stem.replace(/^(.*\/)?(dist|build|\.build|out)\//, '$1src/') === stem));
  const line = value.loc.start.line;
  const paths: Path[] = [];
  for (const fn of fns) {
    for (const e of fn.events) {
      const what = lambdaEvent(exportName, `${file}:${line}`, e.type, fn.template);
      if (e.kind === 'http') paths.push(toPath(entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.lambda(what), value), file));
      else if (e.kind === 'app-users') paths.push(toPath(entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.lambdaAppUsers(exportName, `${file}:${line}`, e.type, fn.template), value), file));
      else if (e.kind === 'socket') paths.push(toPath(entry(WEBSOCKET_HANDLER, WEBSOCKET_HANDLER.messages.lambda(what), value), file));
      else if (e.kind === 'schedule') {
        paths.push(toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.lambda(what, e.expression ?? '?'), value, { platform: 'an AWS Lambda function', ...(e.schedule ? { schedule: e.schedule } : {}) }), file));
      } else if (e.kind === 'storage') paths.push(storagePath(q, what, value, fn.template));
      else if (e.kind === 'workflow') paths.push(toPath(entry(STEP_FUNCTIONS, STEP_FUNCTIONS.messages.standard(what), value, { platform: 'an AWS Lambda function' }), file));
      else if (e.kind === 'express-workflow') paths.push(openPath(STEP_FUNCTIONS, STEP_FUNCTIONS.messages.express(what), file, line));
      else paths.push(toPath(entry(QUEUE_WORKER, QUEUE_WORKER.messages.lambda(what), value), file));
    }
    if (fn.events.length === 0) paths.push(openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.lambdaWithoutEvents(exportName, file, fn.template), file, line));
  }
  return paths.length > 0 ? paths : null;
}

/** What a handler's `aws-lambda` event type says invokes it, when no template maps it. */
const LAMBDA_EVENT_TYPES: Record<string, LambdaEventKind> = {
  APIGatewayProxyEvent: 'http', APIGatewayProxyEventV2: 'http', APIGatewayEvent: 'http', APIGatewayProxyHandler: 'http', APIGatewayProxyHandlerV2: 'http',
  APIGatewayProxyEventV2WithJWTAuthorizer: 'http', APIGatewayProxyHandlerV2WithJWTAuthorizer: 'http', ALBEvent: 'http', ALBHandler: 'http',
  LambdaFunctionURLEvent: 'http', LambdaFunctionURLHandler: 'http', APIGatewayProxyWebsocketEventV2: 'socket', APIGatewayProxyWebsocketHandlerV2: 'socket',
  ScheduledEvent: 'schedule', ScheduledHandler: 'schedule',
  SQSEvent: 'event', SQSHandler: 'event', SNSEvent: 'event', SNSHandler: 'event', S3Event: 'storage', S3Handler: 'storage', EventBridgeEvent: 'event', EventBridgeHandler: 'event',
  DynamoDBStreamEvent: 'event', DynamoDBStreamHandler: 'event', KinesisStreamEvent: 'event', KinesisStreamHandler: 'event',
};

const LAMBDA_EXPORTS = new Set(['handler', 'lambdaHandler', 'main', 'default']);

/**
 * The `aws-lambda` type a handler export is written for: of its declaration (`handler: SQSHandler`,
 * `Handler<ScheduledEvent>`) or of its event parameter (`async (event: APIGatewayProxyEventV2)`), also
 * inside a wrapper (`middy(async (event: SQSEvent) => …)`). `EventBridgeEvent<'Scheduled Event', …>` is
 * a schedule.
 */
function lambdaEventType(fi: SyntaxModel, exportName: string, value: Node): { type: string; kind: LambdaEventKind } | null {
  const named = (t: TSESTree.TypeNode | undefined): { type: string; kind: LambdaEventKind } | null => {
    if (t?.type !== T.TSTypeReference || t.typeName.type !== T.Identifier) return null;
    const name = t.typeName.name;
    const args = t.typeArguments?.params ?? [];
    if (name === 'Handler') return named(args[0]);
    const kind = LAMBDA_EVENT_TYPES[name];
    if (!kind) return null;
    const detail = args[0]?.type === T.TSLiteralType && args[0].literal.type === T.Literal ? args[0].literal.value : null;
    return { type: name, kind: /^EventBridge/.test(name) && detail === 'Scheduled Event' ? 'schedule' : kind };
  };
  const holder = fi.parents.get(value);
  if (holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) {
    const declared = named(holder.id.typeAnnotation?.typeAnnotation);
    if (declared) return declared;
  }
  // By its parameter only under a handler's usual export name: a helper that takes the event is no handler.
  if (!LAMBDA_EXPORTS.has(exportName)) return null;
  const fn = isFunction(value) ? value : value.type === T.CallExpression ? value.arguments.find((a) => isFunction(a)) : undefined;
  const param = fn && isFunction(fn) ? fn.params[0] : undefined;
  return param && 'typeAnnotation' in param ? named(param.typeAnnotation?.typeAnnotation) : null;
}

/** Whether the module's text names aws-lambda: asked once per module, not once per export (a file of 4,000 exports). */
function mentionsAwsLambda(fi: SyntaxModel): boolean {
  let known = awsLambdaText.get(fi);
  if (known === undefined) awsLambdaText.set(fi, (known = fi.text.includes('aws-lambda')));
  return known;
}

const awsLambdaText = new WeakMap<SyntaxModel, boolean>();

function isFunction(n: Node | undefined): n is TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration {
  return n?.type === T.ArrowFunctionExpression || n?.type === T.FunctionExpression || n?.type === T.FunctionDeclaration;
}

/**
 * A Lambda handler no template maps (a CDK or Terraform project), written for an `aws-lambda` event
 * type: an API Gateway, ALB or function-URL event is a person's request, an EventBridge schedule a cron
 * job; a queue, topic, bucket or stream event is not traced.
 */
export function typedLambda(q: ExportQuestion): Path[] | null {
  const { file, exportName, value, fi } = q;
  if (!mentionsAwsLambda(fi)) return null;
  const found = lambdaEventType(fi, exportName, value);
  if (!found) return null;
  const what = `AWS Lambda \`${exportName}\` in ${file}:${value.loc.start.line}, written for the \`${found.type}\` event of aws-lambda`;
  if (found.kind === 'http') return [toPath(entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.lambda(what), value), file)];
  if (found.kind === 'socket') return [toPath(entry(WEBSOCKET_HANDLER, WEBSOCKET_HANDLER.messages.lambda(what), value), file)];
  if (found.kind === 'schedule') return [toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.lambdaTyped(what), value, { platform: 'an AWS Lambda function' }), file)];
  if (found.kind === 'storage') return [storagePath(q, what, value)];
  return [toPath(entry(QUEUE_WORKER, QUEUE_WORKER.messages.lambda(what), value), file)];
}

/**
 * A Lambda that an object written to S3 invokes: S3 calls it asynchronously and takes its answer, so
 * the writer (a person's upload or a bulk import) waits for nothing, as for a job enqueued without
 * waiting; unless a client is seen following up (a handler that replies into a chat or a socket, a
 * page refetching on a timer), which leaves it open.
 */
function storagePath(q: ExportQuestion, what: string, value: Node, template?: string): Path {
  // The clients that matter are the function's own project's: the template's folder, else the package's.
  const follow = followUpOf(q.project, 'queue', q.file, template !== undefined ? dirname(template) : packageDir(q.project, q.file));
  if (follow) return openPath(STORAGE_EVENT, STORAGE_EVENT.messages.followed(what, follow), q.file, value.loc.start.line);
  return toPath(entry(STORAGE_EVENT, STORAGE_EVENT.messages.s3(what), value, { platform: 'an AWS Lambda function' }), q.file);
}

/** Code written for AWS Lambda: its types, middy, an API Gateway event. */
const LAMBDA_CODE = /aws-lambda|@middy\/|APIGateway|lambda/i;

/** A `handler` export of Lambda code that no serverless.yml or SAM template maps: what invokes it is unknown (not decisive). */
export function unmappedLambda(q: ExportQuestion): Path[] {
  if (q.exportName !== 'handler' || !LAMBDA_CODE.test(q.fi.text)) return [];
  return [openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.lambdaUnmapped(q.file), q.file, q.value.loc.start.line, { runByUnknown: true })];
}

// ---- Cloudflare Workers

const wranglerByProject = new WeakMap<ProjectIndex, Map<string, ReturnType<typeof readWranglerCrons>>>();

/** The nearest wrangler.toml / wrangler.json(c): the Worker's cron triggers and main module. */
function wranglerConfig(project: ProjectIndex, file: string): { crons: string[]; main: string | null; dir: string } | null {
  let byDir = wranglerByProject.get(project);
  if (!byDir) wranglerByProject.set(project, (byDir = new Map()));
  let dir = file;
  do {
    dir = dirname(dir);
    if (!byDir.has(dir)) {
      const at = (name: string) => (dir === '' ? name : `${dir}/${name}`);
      const jsonText = project.text(at('wrangler.json')) ?? project.text(at('wrangler.jsonc'));
      byDir.set(dir, readWranglerCrons(project.text(at('wrangler.toml')), jsonText ? typescript().parseConfigFileTextToJson('wrangler.json', jsonText).config : undefined));
    }
    const found = byDir.get(dir);
    if (found) return { ...found, dir };
  } while (dir !== '');
  return null;
}

/** A Worker's `scheduled` (its cron triggers) and `queue` (a Cloudflare Queues consumer, by its producers when the config shows them) handlers, in the default export. */
export function workerHandler(q: MemberQuestion): Path | Path[] | null {
  const { file, exportName, keys, node } = q;
  if (exportName !== 'default' || keys.length !== 1 || (keys[0] !== 'scheduled' && keys[0] !== 'queue')) return null;
  const wrangler = wranglerConfig(q.project, file);
  const where = `${file}:${node.loc.start.line}`;
  if (!wrangler || (wrangler.main && joinPath(wrangler.dir, wrangler.main) !== file)) return null;
  if (keys[0] === 'queue') return cloudflareQueueProducers(q, file, where) ?? toPath(entry(QUEUE_WORKER, QUEUE_WORKER.messages.cloudflare(where), node), file);
  if (wrangler.crons.length === 0) return openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.workerWithoutCron(where), file, node.loc.start.line);
  return toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.worker(where, wrangler.crons), node, { platform: 'a Cloudflare Worker', ...(wrangler.crons.length === 1 ? { schedule: wrangler.crons[0] } : {}) }), file);
}

/** `crons = ["0 3 * * *"]` under `[triggers]` in wrangler.toml, or `triggers.crons` in wrangler.json(c). */
export function readWranglerCrons(toml: string | undefined, json: unknown): { crons: string[]; main: string | null } | null {
  if (toml !== undefined) {
    const crons = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(toml);
    const main = /^\s*main\s*=\s*["']([^"']+)["']/m.exec(toml);
    return { crons: crons ? [...crons[1].matchAll(/["']([^"']+)["']/g)].map((m) => m[1]) : [], main: main ? main[1] : null };
  }
  if (json && typeof json === 'object') {
    const cfg = json as { triggers?: { crons?: unknown }; main?: unknown };
    const crons = Array.isArray(cfg.triggers?.crons) ? cfg.triggers!.crons.filter((c): c is string => typeof c === 'string') : [];
    return { crons, main: typeof cfg.main === 'string' ? cfg.main : null };
  }
  return null;
}

// ---- Firebase

/**
 * Firebase Cloud Functions triggers (v2 `onCall(fn)`, v1 `functions.https.onRequest(fn)`): HTTPS and
 * callable functions answer a client; schedules are cron jobs; document, storage and Pub/Sub events
 * come from whoever caused them, which is not traced.
 */
/** Whether a module's text names firebase-functions: read once per module, not once per call. */
function namesFirebaseFunctions(fi: SyntaxModel): boolean {
  let known = firebaseText.get(fi);
  if (known === undefined) firebaseText.set(fi, (known = fi.text.includes('firebase-functions')));
  return known;
}
const firebaseText = new WeakMap<SyntaxModel, boolean>();

export function firebaseTrigger(q: CallQuestion): Path[] | null {
  const { call, file } = q;
  if (call.type !== T.CallExpression || !namesFirebaseFunctions(q.fi)) return null;
  const stringOf = q.stringOf(file);
  const callee = call.callee;
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (!name) return null;
  const where = `${file}:${call.loc.start.line}`;
  const scheduled = (spec: string | null) =>
    entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.firebase(spec, where), call, { platform: 'a Firebase function', ...(spec && looksLikeCronSpec(spec) ? { schedule: spec } : {}) });
  let match: EntryMatch | null = null;
  if (name === 'onRequest' || name === 'onCall') match = entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.firebase(name, where), call);
  else if (name === 'onSchedule') {
    const first = call.arguments[0];
    match = scheduled(stringArg(first, stringOf) ?? (first?.type === T.ObjectExpression ? stringArg(firstProp(first, 'schedule'), stringOf) : null));
  } else if (name === 'onRun' && callee.type === T.MemberExpression && callee.object.type === T.CallExpression) {
    const inner = callee.object;
    if (inner.callee.type === T.MemberExpression && propertyName(inner.callee.property, inner.callee.computed) === 'schedule') match = scheduled(stringArg(inner.arguments[0], stringOf));
  }
  if (!match && /^on(Document|Value|Object|Message|Task|Custom|New|Alert|Create|Update|Write|Delete|Finalize|Publish|Archive|MetadataUpdate)/.test(name)) {
    match = entry(QUEUE_WORKER, QUEUE_WORKER.messages.firebase(name, where), call);
  }
  return match ? [toPath(match, file)] : null;
}

/** The first property of an object literal under `key`. */
function firstProp(obj: TSESTree.ObjectExpression, key: string): Node | undefined {
  for (const p of obj.properties) if (p.type === T.Property && propertyName(p.key, p.computed) === key) return p.value;
  return undefined;
}
