// AWS CDK apps: the Lambda functions a stack defines (`new NodejsFunction(this, id, { entry })`,
// `new lambda.Function(this, id, { code: Code.fromAsset(dir), handler: 'file.export' })`) and what the
// same stack wires to invoke them: API Gateway, a function URL, an EventBridge schedule or rule, an S3
// notification, a queue or stream event source, a Step Functions state machine, the app's own users (the
// invoke permission granted to a Cognito identity pool's role). Read from the stack's
// syntax, as serverless.yml and SAM templates are read from YAML.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { visit } from '../../parse/walk';
import { dirname, joinPath, ProjectIndex, stripExtension } from '../../project';
import type { SyntaxModel } from '../../syntax/model';
import { Node, propertyName } from '../../syntax/nodes';
import type { LambdaEvent, LambdaFunction } from './serverless';
import { calleeName, objectProps, stringArg } from './read';
import { awsScheduleToCron } from './schedules';

/** The constructs that make a Lambda function from code in the project. */
const FUNCTION_CLASSES = new Set(['NodejsFunction', 'Function']);

/** Integrations that put a function behind an HTTP or WebSocket API. */
const HTTP_CLASSES: Record<string, LambdaEvent['kind']> = {
  LambdaIntegration: 'http',
  HttpLambdaIntegration: 'http',
  LambdaRestApi: 'http',
  WebSocketLambdaIntegration: 'socket',
};

/** Event sources (`fn.addEventSource(new SqsEventSource(queue))`) by what they deliver. */
const STORAGE_SOURCES = new Set(['S3EventSource', 'S3EventSourceV2']);

const byProject = new WeakMap<ProjectIndex, Map<string, LambdaFunction[]>>();

/** The Lambda functions the CDK app in folder `appDir` (it has a cdk.json) defines, with their events. */
export function cdkFunctions(project: ProjectIndex, appDir: string): LambdaFunction[] {
  let byApp = byProject.get(project);
  if (!byApp) byProject.set(project, (byApp = new Map()));
  const known = byApp.get(appDir);
  if (known) return known;
  const found: LambdaFunction[] = [];
  byApp.set(appDir, found);
  const prefix = appDir === '' ? '' : `${appDir}/`;
  for (const file of project.files) {
    if (!file.startsWith(prefix) || /(^|\/)(cdk\.out|node_modules)\//.test(file.slice(prefix.length))) continue;
    // Only a file that names a Lambda construct is parsed.
    if (!project.spells(file, 'NodejsFunction') && !(project.spells(file, 'fromAsset') && project.spells(file, 'handler'))) continue;
    const fi = project.get(file);
    if (fi) found.push(...functionsIn(fi, appDir));
  }
  return found;
}

/** The folders of the CDK apps (a cdk.json) a file may belong to: its own folder and those above it, and every app the scan listed. */
export function cdkApps(project: ProjectIndex, file: string): string[] {
  let known = appDirs.get(project);
  if (!known) appDirs.set(project, (known = { listed: (project.source.configFiles ?? []).filter((c) => /(^|\/)cdk\.json$/.test(c)).map(dirname), probed: new Map() }));
  const apps = new Set(known.listed);
  let dir = file;
  do {
    dir = dirname(dir);
    let has = known.probed.get(dir);
    if (has === undefined) known.probed.set(dir, (has = project.text(dir === '' ? 'cdk.json' : `${dir}/cdk.json`) !== undefined));
    if (has) apps.add(dir);
  } while (dir !== '');
  return [...apps];
}

/** Per project: the app folders the scan listed, and whether a folder has a cdk.json, once asked. */
const appDirs = new WeakMap<ProjectIndex, { listed: string[]; probed: Map<string, boolean> }>();

function functionsIn(fi: SyntaxModel, appDir: string): LambdaFunction[] {
  const src = (n: Node) => fi.text.slice(n.range[0], n.range[1]);
  const made = new Map<string, { stem: string; exportName: string; at: Node }>();
  const news: TSESTree.NewExpression[] = [];
  const calls: TSESTree.CallExpression[] = [];
  // Whether the stack makes a state machine, and whether it is an Express one (a Standard one is the default).
  let stateMachine: 'workflow' | 'express-workflow' | null = null;
  // What reads a function's ARN (`FunctionName: fn.functionArn` in a definition written as JSON), as written.
  const arnReaders = new Set<string>();
  // Every name given a value (`const version = fn.currentVersion`): what stands for a function besides its own name.
  const bindings: { name: string; value: Node }[] = [];
  visit(fi.ast, (n) => {
    if (n.type === T.MemberExpression && !n.computed && propertyName(n.property, false) === 'functionArn') arnReaders.add(src(n.object));
    if (n.type === T.NewExpression) {
      news.push(n);
      if (/StateMachine$/.test(calleeName(n) ?? '')) stateMachine = stateMachine === 'express-workflow' || isExpress(n, fi) ? 'express-workflow' : 'workflow';
    } else if (n.type === T.CallExpression) calls.push(n);
    // `const fn = new NodejsFunction(…)` or `this.fn = new NodejsFunction(…)`.
    const [target, value] =
      n.type === T.VariableDeclarator ? [n.id, n.init] : n.type === T.AssignmentExpression && n.operator === '=' ? [n.left, n.right] : [null, null];
    if (target && value) bindings.push({ name: src(target), value });
    if (!target || value?.type !== T.NewExpression || !FUNCTION_CLASSES.has(calleeName(value) ?? '')) return;
    const handler = lambdaTarget(value, fi, appDir);
    if (handler) made.set(src(target), { ...handler, at: value });
  });
  const out: LambdaFunction[] = [];
  for (const [name, fn] of made) {
    const refers = standsFor(name, bindings, src);
    const events: LambdaEvent[] = [];
    for (const n of news) {
      const cls = calleeName(n) ?? '';
      const options = objectProps(n.arguments.find((a) => a.type === T.ObjectExpression));
      const kind = HTTP_CLASSES[cls];
      if (kind && (n.arguments.some(refers) || refers(options.get('handler')))) events.push({ kind, type: cls });
      else if (cls === 'LambdaInvoke' && refers(options.get('lambdaFunction'))) events.push({ kind: stateMachine ?? 'workflow', type: 'Step Functions LambdaInvoke' });
      else if (cls === 'LambdaSubscription' && refers(n.arguments[0])) events.push({ kind: 'event', type: 'SNS LambdaSubscription' });
      else if (cls === 'LambdaDestination' && refers(n.arguments[0])) events.push({ kind: 'storage', type: 'S3 LambdaDestination' });
      else if (cls === 'LambdaFunction' && refers(n.arguments[0])) events.push(ruleEvent(n, fi, news));
    }
    for (const c of calls) {
      if (c.callee.type !== T.MemberExpression || !refers(c.callee.object)) continue;
      const method = propertyName(c.callee.property, c.callee.computed);
      const arg = c.arguments[0];
      if (method === 'addEventSource' && arg?.type === T.NewExpression) {
        const cls = calleeName(arg) ?? 'event source';
        events.push({ kind: STORAGE_SOURCES.has(cls) ? 'storage' : 'event', type: cls });
      } else if (method === 'addFunctionUrl') events.push({ kind: 'http', type: 'function URL' });
      else if (method === 'grantInvoke' && arg && grantsAppUsers(arg, fi, news)) events.push({ kind: 'app-users', type: `${name}.grantInvoke(${src(arg)})` });
      else if (method === 'grantInvoke' && stateMachine) events.push({ kind: stateMachine, type: 'Step Functions state machine' });
    }
    // A state machine definition written as JSON (`FunctionName: fn.functionArn`) in a stack that makes one.
    if (stateMachine && !events.some((e) => e.type.startsWith('Step Functions')) && arnReaders.has(name)) {
      events.push({ kind: stateMachine, type: 'Step Functions state machine' });
    }
    out.push({ template: fi.file, stem: fn.stem, exportName: fn.exportName, events: dedupe(events) });
  }
  return out;
}

/**
 * Whether a node stands for the function where an event is wired: its name, its versions and aliases
 * (`fn.currentVersion`, `fn.latestVersion`, `fn.addAlias('live')`, `new Alias(this, id, { version })`
 * of one of those), which invoke the same handler; as written in the stack.
 */
function standsFor(name: string, bindings: readonly { name: string; value: Node }[], src: (n: Node) => string): (n: Node | undefined) => boolean {
  const names = new Set([name]);
  const stands = (n: Node | undefined): boolean => {
    if (!n) return false;
    if (names.has(src(n))) return true;
    if (n.type === T.MemberExpression && !n.computed && VERSION_MEMBERS.has(propertyName(n.property, false) ?? '')) return names.has(src(n.object));
    if (n.type === T.CallExpression && n.callee.type === T.MemberExpression && propertyName(n.callee.property, n.callee.computed) === 'addAlias') return names.has(src(n.callee.object));
    if (n.type === T.NewExpression && /(^|\.)Alias$/.test(calleeName(n) ?? '')) return stands(objectProps(n.arguments.find((a) => a.type === T.ObjectExpression)).get('version'));
    return false;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const b of bindings) {
      if (names.has(b.name) || !stands(b.value)) continue;
      names.add(b.name);
      grew = true;
    }
  }
  return stands;
}
const VERSION_MEMBERS = new Set(['currentVersion', 'latestVersion']);

/**
 * A role a Cognito identity pool hands to the app's users: the pool construct's `authenticatedRole` /
 * `unauthenticatedRole` (`idPool.authenticatedRole`), or a role of this stack assumed by
 * `cognito-identity.amazonaws.com` (`new Role(this, id, { assumedBy: new FederatedPrincipal('cognito-identity.amazonaws.com', …) })`).
 * A function it may invoke is called from the app a person uses, with their credentials.
 */
function grantsAppUsers(arg: Node, fi: SyntaxModel, news: readonly TSESTree.NewExpression[]): boolean {
  if (arg.type === T.MemberExpression && /^(un)?authenticatedRole$/.test(propertyName(arg.property, arg.computed) ?? '')) return true;
  const name = fi.text.slice(arg.range[0], arg.range[1]);
  return news.some((n) => /Role$/.test(calleeName(n) ?? '') && declaredAs(n, fi) === name && fi.text.slice(n.range[0], n.range[1]).includes('cognito-identity.amazonaws.com'));
}

/** `new StateMachine(this, id, { stateMachineType: StateMachineType.EXPRESS })` (or the string 'EXPRESS'). */
function isExpress(n: TSESTree.NewExpression, fi: SyntaxModel): boolean {
  const type = objectProps(n.arguments.find((a) => a.type === T.ObjectExpression)).get('stateMachineType');
  return type !== undefined && /EXPRESS/.test(fi.text.slice(type.range[0], type.range[1]));
}

/** The handler module (a project path without extension) and export a Lambda construct runs. */
function lambdaTarget(made: TSESTree.NewExpression, fi: SyntaxModel, appDir: string): { stem: string; exportName: string } | null {
  if (made.arguments[2]?.type !== T.ObjectExpression) return null;
  const options = objectProps(made.arguments[2]);
  const handler = stringArg(options.get('handler'));
  if (calleeName(made) === 'NodejsFunction') {
    const entry = options.get('entry');
    const path = entry ? pathValue(entry, fi, appDir) : null;
    return path ? { stem: stripExtension(path), exportName: handler ?? 'handler' } : null;
  }
  // lambda.Function: `code: lambda.Code.fromAsset(dir)` and `handler: 'module.export'`.
  const code = options.get('code');
  if (!handler || code?.type !== T.CallExpression || code.callee.type !== T.MemberExpression || propertyName(code.callee.property, code.callee.computed) !== 'fromAsset') return null;
  const dir = code.arguments[0] ? pathValue(code.arguments[0], fi, appDir) : null;
  const dot = handler.lastIndexOf('.');
  if (dir === null || dot <= 0) return null;
  return { stem: joinPath(dir, handler.slice(0, dot)), exportName: handler.slice(dot + 1) };
}

/**
 * A path as the stack writes it, as a project path: a string is relative to the app's folder (where
 * `cdk` runs); `path.join(__dirname, …)`, `path.resolve(__dirname, …)` and `${__dirname}/…` to the
 * stack file's folder.
 */
function pathValue(n: Node, fi: SyntaxModel, appDir: string): string | null {
  const literal = stringArg(n);
  if (literal !== null) return literal.startsWith('/') ? null : joinPath(appDir, literal);
  if (n.type === T.TemplateLiteral && n.expressions.length === 1 && n.expressions[0].type === T.Identifier && n.expressions[0].name === '__dirname' && n.quasis[0].value.cooked === '') {
    return joinPath(dirname(fi.file), n.quasis[1].value.cooked ?? '');
  }
  if (n.type !== T.CallExpression) return null;
  const callee = n.callee.type === T.MemberExpression ? propertyName(n.callee.property, n.callee.computed) : n.callee.type === T.Identifier ? n.callee.name : null;
  if (callee !== 'join' && callee !== 'resolve') return null;
  const [first, ...rest] = n.arguments;
  if (first?.type !== T.Identifier || first.name !== '__dirname') return null;
  const parts = rest.map((a) => stringArg(a));
  if (parts.some((p) => p === null)) return null;
  return joinPath(dirname(fi.file), parts.join('/'));
}

/** What an EventBridge target's rule runs on: its `schedule` (a cron job) or another event. */
function ruleEvent(target: TSESTree.NewExpression, fi: SyntaxModel, news: readonly TSESTree.NewExpression[]): LambdaEvent {
  // The rule the target sits in (`new Rule(this, id, { schedule, targets: [new LambdaFunction(fn)] })`),
  // or the one it is added to (`rule.addTarget(new LambdaFunction(fn))`).
  let rule: TSESTree.NewExpression | undefined;
  for (let p = fi.parents.get(target); p && !rule; p = fi.parents.get(p)) {
    if (p.type === T.NewExpression && /Rule$/.test(calleeName(p) ?? '')) rule = p;
    if (p.type === T.CallExpression && p.callee.type === T.MemberExpression && propertyName(p.callee.property, p.callee.computed) === 'addTarget') {
      const owner = fi.text.slice(p.callee.object.range[0], p.callee.object.range[1]);
      rule = news.find((r) => /Rule$/.test(calleeName(r) ?? '') && declaredAs(r, fi) === owner);
      break;
    }
  }
  const schedule = objectProps(rule?.arguments.find((a) => a.type === T.ObjectExpression)).get('schedule');
  if (!schedule) return { kind: 'event', type: 'EventBridge rule' };
  const expression = scheduleExpression(schedule);
  return { kind: 'schedule', type: 'EventBridge schedule', ...(expression ? { expression, schedule: awsScheduleToCron(expression) } : {}) };
}

/** `Schedule.expression('cron(0 6 * * ? *)')`, `Schedule.rate(Duration.days(1))`, `Schedule.cron({ minute: '0', hour: '6' })` as an AWS schedule expression. */
function scheduleExpression(n: Node): string | undefined {
  if (n.type !== T.CallExpression || n.callee.type !== T.MemberExpression) return undefined;
  const method = propertyName(n.callee.property, n.callee.computed);
  const arg = n.arguments[0];
  if (method === 'expression') return stringArg(arg) ?? undefined;
  if (method === 'rate' && arg?.type === T.CallExpression && arg.callee.type === T.MemberExpression) {
    const unit = propertyName(arg.callee.property, arg.callee.computed);
    const amount = arg.arguments[0]?.type === T.Literal ? arg.arguments[0].value : null;
    const units: Record<string, string> = { minutes: 'minute', hours: 'hour', days: 'day' };
    if (typeof amount === 'number' && unit && units[unit]) return `rate(${amount} ${units[unit]}${amount === 1 ? '' : 's'})`;
  }
  if (method === 'cron' && arg?.type === T.ObjectExpression) {
    const fields = objectProps(arg);
    const field = (key: string, fallback: string) => stringArg(fields.get(key)) ?? fallback;
    const weekDay = stringArg(fields.get('weekDay'));
    return `cron(${field('minute', '*')} ${field('hour', '*')} ${weekDay ? '?' : field('day', '*')} ${field('month', '*')} ${weekDay ?? '?'} ${field('year', '*')})`;
  }
  return undefined;
}

/** The name a `new …` is bound to (`const rule = new Rule(…)`, `this.rule = new Rule(…)`), as written. */
function declaredAs(n: Node, fi: SyntaxModel): string | null {
  const p = fi.parents.get(n);
  if (p?.type === T.VariableDeclarator && p.init === n) return fi.text.slice(p.id.range[0], p.id.range[1]);
  if (p?.type === T.AssignmentExpression && p.right === n) return fi.text.slice(p.left.range[0], p.left.range[1]);
  return null;
}

function dedupe(events: LambdaEvent[]): LambdaEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = `${e.kind} ${e.type} ${e.expression ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
