// Strategy 'batch-queue': a single call in a function that runs many times (a queue job handler, an
// event consumer, a cron callback), not once per item of a loop, becomes `queue.add(request)` on a
// module-level BatchQueue. The queue gathers the requests of concurrent callers and sends them through
// the provider's batch helper by count or age; each caller's promise settles with its own result.
// Callers now wait for a batch (up to 24 hours), so the fix is never marked safe: a worker that runs one
// job at a time needs more concurrency to fill a batch.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import { isFunctionLike, LOOP_STATEMENTS, propertyName, unwrap } from '../syntax/nodes';
import { FileFacts, ModuleLookup } from './effects';
import type { CallSite, TextEdit } from '../model';
import type { ModuleStyle } from './moduleStyle';
import { aiSdkBridgePath, aiSdkReturnsWhole, callUnderFix, GEMINI_WHOLE, geminiPatternUse, CallUnderFix, HelperKind, importExtension, helperPathFor, helperSpecifier, importsDefault, indentLike, isModuleCommonJs, isPLimitLimiter, lastImport, refuse } from './loopHoist';
import { importEdits, planImports } from './helperImports';
import { keepComments } from './keepComments';
import { fileNames } from './names';
import { queueRunner } from './queueRunner';
import { statementRemoval } from './lineEndings';
import { AiSdkCall, aiSdkResultProblem } from './aiSdk';
import type { AiSdkHelperKind } from './helper';
import type { QueueRunner, ShutdownHook } from './queueRunner';

export const BATCH_QUEUE = 'batch-queue';
export const IN_LOOP = 'the call runs once per iteration of a loop that waits for it; a queue would send one batch per iteration';
/** A call at a module's top level: no queue (the single-batch strategy takes it). */
export const TOP_LEVEL = 'the call runs once, at the top level of the module; there is nothing to gather';

export interface QueuePlan {
  edits: TextEdit[];
  moduleKind: 'cjs' | 'esm';
  helperKind: HelperKind;
  /** The provider's batch helper, and the queue module beside it (an AI SDK call's queue is in the bridge module). */
  helperPath: string;
  queuePath?: string;
  /** An AI SDK call: the bridge module its queue comes from, which imports the provider's helper. */
  aiSdk?: { path: string; kind: AiSdkHelperKind; siblingExtension: string };
  /** What the rewrite changes besides when callers get their answer (it is unsafe either way), or null. */
  changes: string | null;
}

export type QueueCheck = { ok: true; plan: QueuePlan } | { ok: false; reason: string };


export function checkBatchQueue(file: string, text: string, site: CallSite, openaiHelperPath: string, ast?: TSESTree.Program, style?: ModuleStyle, modules?: ModuleLookup): QueueCheck {
  const target = callUnderFix(file, text, site, ast, modules);
  if ('ok' in target) return target;
  const { endpoint, parsed, parents, facts, call, client, request } = target;
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);
  // A queue's promise has then/catch/finally; the SDK's extras (withResponse, asResponse) it has not.
  const extra = promiseExtra(call, facts);
  if (extra) return refuse(`the call's promise is used for more than its result (.${extra}); the queue resolves with the result only`);
  // A Gemini answer read from a batch lacks the HTTP response the SDK adds to a synchronous one: only
  // an answer read field by field (`r.text`) is the same.
  if (endpoint.provider === 'google') {
    const whole = wholeAnswerUse(call, facts);
    if (whole) return refuse(GEMINI_WHOLE(whole));
  }

  // Once per call of a function, not per iteration of a loop (one request per batch, one after another).
  let fn: Node | null = null;
  for (let p = parents.get(call); p; p = parents.get(p)) {
    if (isFunctionLike(p)) {
      fn = p;
      break;
    }
    if (LOOP_STATEMENTS.has(p.type)) return refuse(IN_LOOP);
  }
  if (!fn) return refuse(TOP_LEVEL);
  const sequential = sequentialCaller(fn, facts);
  if (sequential) return refuse(sequential);
  const fanOut = parents.get(fn);
  if (
    fanOut?.type === T.CallExpression &&
    fanOut.callee.type === T.Identifier &&
    ((importsDefault(parsed.ast, fanOut.callee.name, 'p-map') && fanOut.arguments[1] === fn && fanOut.arguments.length > 2) ||
      (fanOut.arguments[0] === fn && isPLimitLimiter(parsed.ast, fanOut.callee.name)))
  ) {
    return refuse('the fan-out limits its concurrency (p-map options or a p-limit limiter), so a queue would gather only that many requests per batch');
  }
  // What runs the function (a BullMQ worker, a p-queue, a job framework) caps a batch, joins its shutdown, or rules a queue out.
  const runs = queueRunner(fn, facts);
  if (!runs.ok) return refuse(runs.reason);
  const runner = runs.runner;
  // The queue leaves the call as written, and a gateway id's request goes to the gateway, past the batch.
  if (target.aiSdk?.gateway) return refuse(`the model is the gateway id "${facts.src(target.aiSdk.gateway.node).slice(1, -1)}": the batch queue keeps the call as it is, and its request would go to the AI Gateway, not into a batch; only the loop hoist makes the provider's model in its place`);
  if (target.aiSdk) return aiSdkQueue(file, site, target, target.aiSdk, runner, openaiHelperPath, style);

  // The queue lives as long as the client: beside a client of the module or of a scope the function runs
  // inside, or at module level with the client made again from constant settings when each batch goes.
  const home = clientHome(client, fn, facts);
  if (typeof home === 'string') return refuse(home);
  if (home.kind === 'module' && shadowedClient(parsed.ast, home.name, home.binding)) return refuse(`\`${home.name}\` names another variable inside a function too; rename one to get a fix`);

  const helperKind: HelperKind = endpoint.provider;
  const helperPath = helperPathFor(helperKind, openaiHelperPath);
  const queuePath = helperPathFor('queue', openaiHelperPath);
  const moduleKind = isModuleCommonJs(file, parsed.ast, text, style) ? 'cjs' : 'esm';
  const typescript = /\.[cm]?tsx?$/.test(file);

  const used = fileNames(parsed.ast);
  const planned = planImports(
    parsed.ast,
    [
      { specifier: helperSpecifier(parsed.ast, file, moduleKind, helperPath, style), name: endpoint.helper },
      { specifier: helperSpecifier(parsed.ast, file, moduleKind, queuePath, style), name: 'BatchQueue' },
    ],
    used,
  );
  const [helperName, queueClass] = planned.map((p) => p.local);

  // Reuse the queue for the same client and endpoint (a second call site, or a fix applied before), where the client lives.
  const clientText = home.kind === 'remade' ? home.text : home.name;
  let existing: string | null = null;
  for (const member of home.kind === 'member' ? home.classBody.body : []) {
    const v = member.type === T.PropertyDefinition && member.key.type === T.Identifier && !member.computed ? member.value : null;
    if (v?.type === T.NewExpression && src(v.callee) === queueClass && src(v).includes(`${helperName}(${clientText},`)) existing = (member as TSESTree.PropertyDefinition & { key: TSESTree.Identifier }).key.name;
  }
  for (const stmt of home.kind === 'scope' ? home.statements : home.kind === 'member' ? [] : parsed.ast.body) {
    if (stmt.type !== T.VariableDeclaration) continue;
    for (const d of stmt.declarations) {
      if (d.id.type === T.Identifier && d.init?.type === T.NewExpression && src(d.init.callee) === queueClass && src(d.init).includes(`${helperName}(${clientText},`)) {
        existing = d.id.name;
      }
    }
  }
  const freshName = () => {
    const base = `batchwise${endpoint.helper.replace(/^run|Batch$/g, '')}Queue`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    return name;
  };
  const [imports, ...inserts] = importEdits(parsed.ast, parsed.text, moduleKind, planned, lastImport(parsed.ast));
  const queue = existing ?? freshName();
  // A queue of the instance is its field.
  const queueRef = home.kind === 'member' ? `this.${queue}` : queue;
  const edits: TextEdit[] = [{ range: [call.range[0], call.range[1]], newText: `${queueRef}.add(${src(request)})` }, ...inserts];
  // A client made again for the queue, that nothing else in the function used, goes.
  if (home.kind === 'remade' && home.unused) edits.push({ range: statementRemoval(parsed.text, home.unused.range), newText: '' });
  if (!existing) {
    const param = typescript ? `(requests: Parameters<typeof ${helperName}>[1])` : '(requests)';
    // No more requests than the runner's concurrency can wait at once: a batch goes out as soon as they all do.
    const options = runner?.maxRequests !== undefined ? `, { maxRequests: ${runner.maxRequests} }` : '';
    const made = `new ${queueClass}(${param} => ${helperName}(${clientText}, requests)${options})`;
    const declaration = `const ${queue} = ${made};`;
    if (home.kind === 'member') {
      // A field of the class, first in its body: `this` in the arrow is the instance, whose client is read when a batch goes.
      // Right after the client's own field where the class declares one, else first.
      const prop = home.name.slice('this.'.length);
      const field = home.classBody.body.find((m) => m.type === T.PropertyDefinition && !m.static && !m.computed && m.key.type === T.Identifier && m.key.name === prop);
      const first = home.classBody.body[0];
      const indent = first ? indentLike(field ?? first, parsed.text) : `${indentLike(home.classBody, parsed.text)}  `;
      const at = field ? field.range[1] : home.classBody.range[0] + 1;
      edits.push({ range: [at, at], newText: `\n${indent}${typescript ? 'private readonly ' : ''}${queue} = ${made};${first ? '' : `\n${indentLike(home.classBody, parsed.text)}`}` });
    } else if (home.kind === 'scope') {
      // Right after the client's declaration, in its scope, indented like it.
      edits.push({ range: [home.at, home.at], newText: `\n${home.indent}${declaration}` });
    } else {
      // After the client's (or its class's) declaration and after the imports (a CommonJS require must run before it).
      const last = lastImport(parsed.ast);
      const after = last && (!home.binding || last.range[1] > home.binding.range[1]) ? last : home.binding;
      if (!after) return refuse(`the client's class is not imported at the top of the module`);
      const at = after.range[1];
      const text = after === last ? `\n\n${declaration}` : `\n${declaration}`;
      // Two insertions at one offset would depend on how the editor orders them: the imports and the queue go in as one.
      if (imports.newText !== '' && imports.range[0] === at) imports.newText += text;
      else edits.push({ range: [at, at], newText: text });
    }
  }
  edits.push(imports);
  // The flush on the runner's shutdown, once per queue (a second call site, or a fix applied before, has it already).
  for (const hook of runner?.hooks ?? []) {
    // A queue inside a function is out of reach of a shutdown hook outside it.
    if (home.kind === 'member') return refuse(`the queue would be a field of each \`${home.className}\`, out of reach of the shutdown hook the runner needs; make the client at module level to get a fix`);
    if (home.kind === 'scope' && !(hook.at > home.at && hook.at < home.scopeEnd)) {
      return refuse(`the queue would live beside \`${home.name}\`, inside the function that makes it, out of reach of the shutdown hook the runner needs; make the client at module level to get a fix`);
    }
    addHook(edits, hook, queue, parsed.text);
  }
  const changes =
    home.kind === 'remade'
      ? `the client is made again from the same settings (\`${facts.quote(home.init)}\`, line ${facts.line(home.init)}) each time a batch is sent, not on every run of the function: a change to what they read (process.env) after the call reaches its batch`
      : null;
  return { ok: true, plan: { edits: keepComments(parsed.text, parsed.ast.comments ?? [], edits), moduleKind, helperKind, helperPath, queuePath, changes } };
}

/** Whether `name` is declared again in the file, besides `binding`: walked once per file and client, though asked for each call. */
const shadowing = new WeakMap<TSESTree.Program, Map<string, boolean>>();
function shadowedClient(ast: TSESTree.Program, name: string, binding: Node): boolean {
  let byClient = shadowing.get(ast);
  if (!byClient) shadowing.set(ast, (byClient = new Map()));
  const key = `${name}@${binding.range[0]}`;
  if (!byClient.has(key)) {
    let shadowed = false;
    visit(ast, (n) => {
      if (shadowed) return false;
      const inBinding = n.range[0] >= binding.range[0] && n.range[1] <= binding.range[1];
      if (n.type === T.VariableDeclarator && n.id.type === T.Identifier && n.id.name === name && !inBinding) shadowed = true;
      if (isFunctionLike(n) && (n as TSESTree.FunctionLike).params.some((p) => p.type === T.Identifier && p.name === name)) shadowed = true;
    });
    byClient.set(key, shadowed);
  }
  return byClient.get(key)!;
}

/** A member of the call's promise other than then/catch/finally, used on it directly or through the variable holding it. */
export function promiseExtra(call: TSESTree.CallExpression, facts: FileFacts): string | null {
  const member = (m: Node | undefined) => (m?.type === T.MemberExpression ? propertyName(m.property, m.computed) ?? '[…]' : null);
  const direct = facts.parents.get(call);
  const name = direct?.type === T.MemberExpression && direct.object === call ? member(direct) : null;
  if (name && !['then', 'catch', 'finally'].includes(name)) return name;
  if (direct?.type === T.VariableDeclarator && direct.init === call && direct.id.type === T.Identifier) {
    const b = facts.bindingOf(direct.id);
    for (const ref of b ? facts.referencesOf(b) : []) {
      const p = facts.parents.get(ref);
      const used = p?.type === T.MemberExpression && p.object === ref ? member(p) : null;
      if (used && !['then', 'catch', 'finally'].includes(used)) return used;
    }
  }
  return null;
}

/**
 * A caller in this file that waits for each call of the function before making the next (an awaited
 * call in a loop that waits): the queue would hold every call for its maxWaitMs and send it alone.
 */
function sequentialCaller(fn: Node, facts: FileFacts): string | null {
  const holder = facts.parents.get(fn);
  let nameId: Node | null = null;
  let method: string | null = null;
  if (fn.type === T.FunctionDeclaration) nameId = fn.id;
  else if (holder?.type === T.VariableDeclarator && holder.init === fn && holder.id.type === T.Identifier) nameId = holder.id;
  else if ((holder?.type === T.MethodDefinition || holder?.type === T.Property) && holder.value === fn) method = propertyName(holder.key, holder.computed);
  const binding = nameId ? facts.bindingOf(nameId) : undefined;
  const calls: TSESTree.CallExpression[] = [];
  if (binding) {
    for (const ref of facts.referencesOf(binding)) {
      const u = facts.useOf(ref);
      if (u.kind === 'call') calls.push(u.call);
    }
  } else if (method) {
    visit(facts.program, (n) => {
      if (n.type === T.CallExpression && n.callee.type === T.MemberExpression && propertyName(n.callee.property, n.callee.computed) === method) calls.push(n);
    });
  }
  for (const call of calls) {
    for (let p = facts.parents.get(call); p && !isFunctionLike(p); p = facts.parents.get(p)) {
      if (!LOOP_STATEMENTS.has(p.type)) continue;
      const loop = p as TSESTree.ForStatement | TSESTree.ForOfStatement | TSESTree.ForInStatement | TSESTree.WhileStatement | TSESTree.DoWhileStatement;
      if (!(loop.type === T.ForOfStatement && loop.await) && !waitsInside(loop.body)) continue;
      const name = method ?? facts.src(nameId!);
      return `\`${name}\` is called inside a loop that waits for each call (line ${facts.line(call)}: \`${facts.quote(call)}\`), so its calls come one at a time: a queue would hold each for its maxWaitMs and send it as a batch of one; run those calls concurrently (await Promise.all(xs.map((x) => ${name}(x)))) to gather them, or keep this call unbatched`;
    }
  }
  return null;
}

/** An await in a loop body (not inside a function it defines). */
function waitsInside(body: Node): boolean {
  let found = false;
  visit(body, (n) => {
    if (found || (n !== body && isFunctionLike(n))) return false;
    if (n.type === T.AwaitExpression) found = true;
  });
  return found;
}

/** The top-level statement that binds `name`: `const name = …` or an import of it. */
function moduleBinding(program: TSESTree.Program, name: string): TSESTree.ProgramStatement | null {
  for (const s of program.body) {
    if (s.type === T.ImportDeclaration && s.importKind !== 'type' && s.specifiers.some((sp) => sp.local.name === name)) return s;
    const decl = s.type === T.ExportNamedDeclaration ? s.declaration : s;
    if (decl?.type === T.VariableDeclaration && decl.kind === 'const' && decl.declarations.some((d) => d.id.type === T.Identifier && d.id.name === name)) {
      return s;
    }
  }
  return null;
}

/**
 * Where a queue for the client can live:
 * - 'module': the client is a module-level constant or import; the queue goes beside it;
 * - 'scope': a constant of a function (or block) that the call's function is nested in, so one run of
 *   that scope makes many calls with it; the queue goes right after its declaration;
 * - 'remade': a constant made on every run of the call's function (`const openai = new OpenAI({ apiKey:
 *   process.env.KEY })` in a handler) from settings that are the same on every run: literals, process.env
 *   and the module's own constants. The queue goes at module level and makes the client again, from the
 *   same text, when it sends a batch.
 */
type ClientHome =
  | { kind: 'module'; name: string; binding: Node }
  | { kind: 'member'; name: string; classBody: TSESTree.ClassBody; className: string }
  | { kind: 'scope'; name: string; at: number; indent: string; statements: readonly Node[]; scopeEnd: number }
  | { kind: 'remade'; text: string; init: TSESTree.NewExpression; binding: Node | null; unused: TSESTree.VariableDeclaration | null };

function clientHome(client: Node, fn: Node, facts: FileFacts): ClientHome | string {
  const notHeld = `the client \`${facts.quote(client)}\` is not a variable of the module or of a function, nor a field of the instance whose method makes the call; the queue needs one it can hold`;
  if (client.type === T.MemberExpression) return instanceHome(client, fn, facts) ?? notHeld;
  if (client.type !== T.Identifier) return notHeld;
  const program = facts.program;
  const moduleDecl = moduleBinding(program, client.name);
  const b = facts.bindingOf(client);
  if (moduleDecl && (!b || b.scope === program)) return { kind: 'module', name: client.name, binding: moduleDecl };
  const notConst = `the client \`${client.name}\` is not a module-level constant or import; the queue needs one it can hold`;
  const inside = (inner: Node, outer: Node) => inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];
  // A parameter of a factory that returns the call's function (`return async function classify(…) { … }`):
  // one queue per call of the factory, first in its body, for the calls of the function it made. (A
  // function the factory runs itself, a fan-out's callback, keeps the loop's own reasons.)
  const returned = facts.parents.get(fn);
  if (b?.kind === 'param' && b.owner && returned?.type === T.ReturnStatement && facts.functionOf(returned) === b.owner && b.owner.body?.type === T.BlockStatement) {
    const reassigned = facts.referencesOf(b).find((r) => {
      const u = facts.useOf(r);
      return u.kind === 'write' && u.path.length === 0;
    });
    if (reassigned) return `the client \`${client.name}\` is a parameter of the function around the call that is assigned again (line ${facts.line(reassigned)}); the queue needs one client it can hold`;
    const body = b.owner.body;
    const first = body.body[0];
    return { kind: 'scope', name: client.name, at: body.range[0] + 1, indent: first ? indentLike(first, facts.text) : `${indentLike(body, facts.text)}  `, statements: body.body, scopeEnd: body.range[1] };
  }
  if (!b || b.kind !== 'const' || !b.declarator?.init || b.declarator.id.type !== T.Identifier) return notConst;
  const declaration = facts.parents.get(b.declarator);
  const holder = declaration && facts.parents.get(declaration);
  if (declaration?.type !== T.VariableDeclaration || (holder?.type !== T.BlockStatement && holder?.type !== T.Program)) return notConst;
  // Made outside the call's function, in a scope it is nested in: one run of that scope, many calls.
  if (!inside(declaration, fn)) return { kind: 'scope', name: client.name, at: declaration.range[1], indent: indentLike(declaration, facts.text), statements: holder.body, scopeEnd: holder.range[1] };
  // Made on every run of the call's function: a queue there would gather one request. Made again at module level when its settings are constant.
  const init = unwrap(b.declarator.init);
  if (init.type !== T.NewExpression || init.callee.type !== T.Identifier) return notConst;
  const problem = notConstant(init, facts);
  if (problem) return `the client \`${client.name}\` is made on every run of the function, ${problem}; make it once at module level to get a fix`;
  // Its declaration goes when the call was its only use and it declares nothing else.
  const unused = facts.referencesOf(b).length === 1 && declaration.declarations.length === 1 ? declaration : null;
  return { kind: 'remade', text: facts.src(init), init, binding: moduleBinding(program, init.callee.name), unused };
}

/**
 * `this.client` in a method (or an arrow inside one) of a class: the queue becomes a field of the
 * instance, so each instance gathers its own calls with its own client.
 */
function instanceHome(client: TSESTree.MemberExpression, fn: Node, facts: FileFacts): ClientHome | null {
  if (client.object.type !== T.ThisExpression || client.computed || client.property.type !== T.Identifier) return null;
  // The function whose `this` the call sees: past arrows, to a method or a field's arrow of a class.
  let owner: Node | undefined = fn;
  while (owner?.type === T.ArrowFunctionExpression) {
    const up = facts.parents.get(owner);
    if (up?.type === T.PropertyDefinition && !up.static && up.value === owner) {
      owner = up;
      break;
    }
    owner = up;
    while (owner && !isFunctionLike(owner) && owner.type !== T.ClassBody) owner = facts.parents.get(owner);
  }
  let member: Node | undefined;
  if (owner?.type === T.PropertyDefinition) member = owner;
  else if (owner?.type === T.FunctionExpression) {
    const m = facts.parents.get(owner);
    if (m?.type === T.MethodDefinition && !m.static && m.value === owner && (m.kind === 'method' || m.kind === 'constructor')) member = m;
  }
  const body = member && facts.parents.get(member);
  if (body?.type !== T.ClassBody) return null;
  const cls = facts.parents.get(body);
  const className = cls && (cls.type === T.ClassDeclaration || cls.type === T.ClassExpression) && cls.id ? cls.id.name : 'instance of the class';
  return { kind: 'member', name: `this.${client.property.name}`, classBody: body, className };
}

const CONSTANT_SHAPES = new Set<string>([
  T.NewExpression,
  T.ObjectExpression,
  T.Property,
  T.Literal,
  T.TemplateLiteral,
  T.TemplateElement,
  T.MemberExpression,
  T.Identifier,
  T.LogicalExpression,
  T.ConditionalExpression,
  T.BinaryExpression,
  T.UnaryExpression,
  T.ArrayExpression,
  T.TSAsExpression,
  T.TSNonNullExpression,
]);

/**
 * Why the client's construction may give another client on another run (null when it cannot): it is
 * built only of literals, process.env and module-level names, with no call but the construction itself.
 */
function notConstant(init: TSESTree.NewExpression, facts: FileFacts): string | null {
  const only = '(only literals, process.env and the module\'s own names are the same on every run)';
  let problem: string | null = null;
  visit(init, (n) => {
    if (problem) return false;
    const computedKey = n.type === T.MemberExpression && n.computed && n.property.type !== T.Literal;
    if (!CONSTANT_SHAPES.has(n.type) || (n.type === T.NewExpression && n !== init) || computedKey) {
      problem = `with \`${facts.quote(n)}\` in its settings ${only}`;
      return false;
    }
    if (n.type !== T.Identifier) return;
    const parent = facts.parents.get(n);
    // A property's name, or a key written in the settings, is not a name of the program.
    if (parent?.type === T.MemberExpression && parent.property === n && !parent.computed) return;
    if (parent?.type === T.Property && parent.key === n && !parent.computed && !parent.shorthand) return;
    const b = facts.bindingOf(n);
    if (!b || b.kind === 'global' || b.scope === facts.program) return;
    problem = `with \`${n.name}\`, a name of the function, in its settings ${only}`;
    return false;
  });
  return problem;
}

/**
 * Where the call's answer is used as a whole, not only through its fields: returned, passed on, spread,
 * or held by a variable that is (null when every use reads a field of it).
 */
export function wholeAnswerUse(call: TSESTree.CallExpression, facts: FileFacts): string | null {
  const awaited = facts.parents.get(call);
  // `call.then((response) => …)`: the callback's parameter is the answer, read as a declared one is.
  const then = awaited?.type === T.MemberExpression && awaited.object === call && propertyName(awaited.property, awaited.computed) === 'then' ? facts.parents.get(awaited) : undefined;
  if (then?.type === T.CallExpression && then.callee === awaited) {
    const fulfilled = then.arguments[0];
    if (fulfilled && isFunctionLike(fulfilled)) {
      const [param] = (fulfilled as TSESTree.FunctionLike).params;
      return param ? geminiPatternUse(param, facts) : null;
    }
    return `\`${facts.quote(then)}\`, line ${facts.line(then)}`;
  }
  if (awaited?.type !== T.AwaitExpression) return `\`${facts.quote(call)}\` is not awaited where it is made`;
  const holder = facts.parents.get(awaited);
  if (holder?.type === T.MemberExpression && holder.object === awaited) return null;
  if (holder?.type === T.VariableDeclarator && holder.init === awaited) return geminiPatternUse(holder.id, facts);
  if (holder?.type === T.ExpressionStatement) return null;
  return `\`${facts.quote(holder ?? awaited)}\`, line ${facts.line(awaited)}`;
}

/**
 * An AI SDK call gathered by the bridge's own queue: `queue.add(() => generateText({ … }))` starts the
 * call at once (its options read then, as before) and holds back the request it sends until the batch.
 * The code may read only what the AI SDK makes of the answer alone (text, object, usage, …).
 */
function aiSdkQueue(file: string, site: CallSite, target: CallUnderFix, aiSdk: AiSdkCall, runner: QueueRunner | null, openaiHelperPath: string, style?: ModuleStyle): QueueCheck {
  const { parsed, facts, call } = target;
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);
  const read = aiSdkQueueResult(site.api, call, facts);
  if (read) return refuse(read);
  const helperKind: HelperKind = aiSdk.provider;
  const helperPath = helperPathFor(helperKind, openaiHelperPath);
  const moduleKind = isModuleCommonJs(file, parsed.ast, parsed.text, style) ? 'cjs' : 'esm';
  const bridge = { path: aiSdkBridgePath(aiSdk.helperKind, helperPath), kind: aiSdk.helperKind, siblingExtension: '' };
  bridge.siblingExtension = importExtension(parsed.ast, moduleKind, file, bridge.path, style) ?? '';
  const used = fileNames(parsed.ast);
  const planned = planImports(parsed.ast, [{ specifier: helperSpecifier(parsed.ast, file, moduleKind, bridge.path, style), name: 'AiSdkBatchQueue' }], used);
  const [queueClass] = planned.map((p) => p.local);
  // One queue per file and bridge: a second call site, or a fix applied before, reuses it.
  let existing: string | null = null;
  for (const stmt of parsed.ast.body) {
    if (stmt.type !== T.VariableDeclaration) continue;
    for (const d of stmt.declarations) {
      if (d.id.type === T.Identifier && d.init?.type === T.NewExpression && src(d.init.callee) === queueClass) existing = d.id.name;
    }
  }
  let queue = existing;
  if (!queue) {
    queue = 'batchwiseAiSdkQueue';
    for (let i = 2; used.has(queue); i++) queue = `batchwiseAiSdkQueue${i}`;
  }
  const [imports, ...inserts] = importEdits(parsed.ast, parsed.text, moduleKind, planned, lastImport(parsed.ast));
  const edits: TextEdit[] = [{ range: [call.range[0], call.range[1]], newText: `${queue}.add(() => ${src(call)})` }, ...inserts];
  if (!existing) {
    const options = runner?.maxRequests !== undefined ? `{ maxRequests: ${runner.maxRequests} }` : '';
    const declaration = `const ${queue} = new ${queueClass}(${options});`;
    const last = lastImport(parsed.ast);
    if (!last) return refuse('the AI SDK function is not imported at the top of the module');
    const at = last.range[1];
    if (imports.newText !== '' && imports.range[0] === at) imports.newText += `\n\n${declaration}`;
    else edits.push({ range: [at, at], newText: `\n\n${declaration}` });
  }
  edits.push(imports);
  for (const hook of runner?.hooks ?? []) addHook(edits, hook, queue, parsed.text);
  return {
    ok: true,
    plan: { edits: keepComments(parsed.text, parsed.ast.comments ?? [], edits), moduleKind, helperKind, helperPath, aiSdk: bridge, changes: aiSdk.changes ?? null },
  };
}

/**
 * Why what the code reads of a queued AI SDK call's result may differ, or null: the result must be
 * awaited into a declaration (directly, or as an element of an awaited `Promise.all([…])` taken apart
 * by an array pattern) whose reads the bridge covers.
 */
export function aiSdkQueueResult(api: string, call: TSESTree.CallExpression, facts: FileFacts): string | null {
  const whole = 'the result is not awaited into a declaration, so Batchwise cannot see what is read of it (the HTTP response and the steps would be the batch\'s); write `const { text } = await generateText(…)` (or the fields you read) to get a fix';
  let holder: Node = call;
  let index = -1;
  let parent = facts.parents.get(holder);
  if (parent?.type === T.ArrayExpression) {
    index = parent.elements.indexOf(call);
    const all = facts.parents.get(parent);
    const callee = all?.type === T.CallExpression ? unwrap(all.callee) : null;
    if (!all || all.type !== T.CallExpression || all.arguments[0] !== parent || callee?.type !== T.MemberExpression || facts.src(callee) !== 'Promise.all') return whole;
    holder = all;
    parent = facts.parents.get(holder);
  }
  if (index < 0 && (parent?.type === T.ReturnStatement || (parent?.type === T.ArrowFunctionExpression && parent.body === call))) return aiSdkReturnsWhole(api);
  if (parent?.type !== T.AwaitExpression) return whole;
  if (index < 0 && facts.parents.get(parent)?.type === T.ReturnStatement) return aiSdkReturnsWhole(api);
  const declarator = facts.parents.get(parent);
  if (declarator?.type !== T.VariableDeclarator || declarator.init !== parent) return whole;
  if (index < 0) return aiSdkResultProblem(api, declarator.id, facts);
  if (declarator.id.type !== T.ArrayPattern) return whole;
  const element = declarator.id.elements[index];
  return element ? aiSdkResultProblem(api, element, facts) : null;
}

/**
 * The queue's flush on the runner's shutdown, once per queue (a second call site, or a fix applied
 * before, has it already); joined to an insertion at the same offset, whose order an editor may not keep.
 */
function addHook(edits: TextEdit[], hook: ShutdownHook, queue: string, text: string): void {
  const inserted = hook.text(queue);
  if (text.includes(inserted.trim())) return;
  const same = edits.find((e) => e.range[0] === hook.at && e.range[1] === hook.at);
  if (same) same.newText += inserted;
  else edits.push({ range: [hook.at, hook.at], newText: inserted });
}
