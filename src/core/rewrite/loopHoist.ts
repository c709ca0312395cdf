// Strategy 'loop-hoist': an awaited OpenAI call (chat completions, responses, embeddings) or Anthropic messages call made
// once per item — in a `for…of` body, an index `for` body, or a `Promise.all(xs.map(async …))` callback — whose
// request depends only on the item, the index, values computed purely from them, and values nothing changes
// while the loop runs, becomes: every request built first, one run through the provider's batch helper, then
// the rest of the body over the results, in the original order. Any shape that cannot be shown to keep its
// meaning is refused, with the reason.
//
// The one analysis behind most refusals: moving the request before the loop is the same program only if
// (1) building it has no effects and waits for nothing (so building it earlier, for every item at once, does
// nothing else), and (2) nothing it reads changes between the loop's start and the moment the original
// built it — not in the loop body, not in functions the body calls, not in code that may run while the
// loop waits for an answer. The collection a loop runs over (or its bound) must not change either. In the
// concurrent shapes (Promise.all, forEach, p-map without a limit) every request is built before any
// answer arrives, so only (1) matters there, together with the order of whatever runs before the call.
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../parse/parse';
import { indexParents, visit, Node } from '../parse/walk';
import { FunctionLike, isFunctionLike, propertyName } from '../detect/resolve';
import type { CallSite, TextEdit } from '../model';
import { Binding, FileFacts, overlaps, unwrap, Use, within } from './effects';
import { jsFileIsEsm, ModuleStyle, tsAllowsTopLevelAwait, tsFileIsNodeEsm } from './moduleStyle';

export const LOOP_HOIST = 'loop-hoist';

export type HelperKind = 'openai' | 'anthropic';

/** The endpoints the helpers batch, by provider and the member chain between the client and `.create`. */
export const ENDPOINTS = [
  { provider: 'openai', chain: ['chat', 'completions'], api: 'chat.completions', helper: 'runChatCompletionsBatch' },
  { provider: 'openai', chain: ['responses'], api: 'responses', helper: 'runResponsesBatch' },
  { provider: 'openai', chain: ['embeddings'], api: 'embeddings', helper: 'runEmbeddingsBatch' },
  { provider: 'openai', chain: ['completions'], api: 'completions', helper: 'runCompletionsBatch' },
  { provider: 'anthropic', chain: ['messages'], api: 'messages', helper: 'runMessagesBatch' },
] as const;

/** The other helpers sit beside the OpenAI one: batchwise/openaiBatch.ts → batchwise/anthropicBatch.ts, batchwise/batchQueue.ts. */
export function helperPathFor(kind: HelperKind | 'queue', openaiHelperPath: string): string {
  if (kind === 'openai') return openaiHelperPath;
  const slash = openaiHelperPath.lastIndexOf('/');
  const ext = /\.[cm]?[jt]s$/.exec(openaiHelperPath)?.[0] ?? '';
  return `${openaiHelperPath.slice(0, slash + 1)}${kind === 'queue' ? 'batchQueue' : 'anthropicBatch'}${ext}`;
}

export interface HoistPlan {
  edits: TextEdit[];
  moduleKind: 'cjs' | 'esm';
  typescript: boolean;
  helperKind: HelperKind;
  /** Where the helper module for this provider goes. */
  helperPath: string;
}

export type HoistCheck = { ok: true; plan: HoistPlan } | { ok: false; reason: string };

const LLM_METHOD_CHAINS = [/\.completions\.(create|stream|parse)$/, /\.messages\.(create|stream)$/, /\.responses\.(create|stream)$/, /\.embeddings\.create$/];

export function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

export function findCall(ast: Node, range: [number, number]): TSESTree.CallExpression | null {
  let found: TSESTree.CallExpression | null = null;
  visit(ast, (node) => {
    if (found) return false;
    if (node.range[1] < range[0] || node.range[0] > range[1]) return false;
    if (node.type === T.CallExpression && node.range[0] === range[0] && node.range[1] === range[1]) found = node;
  });
  return found;
}

/** The identifiers a pattern declares (loop variables, parameters). */
function patternIds(pattern: Node): TSESTree.Identifier[] {
  const ids: TSESTree.Identifier[] = [];
  const walk = (n: Node) => {
    switch (n.type) {
      case T.Identifier:
        ids.push(n);
        return;
      case T.ObjectPattern:
        for (const p of n.properties) walk(p.type === T.RestElement ? p.argument : p.value);
        return;
      case T.ArrayPattern:
        for (const e of n.elements) if (e) walk(e);
        return;
      case T.AssignmentPattern:
        walk(n.left);
        return;
      case T.RestElement:
        walk(n.argument);
        return;
      default:
        return;
    }
  };
  walk(pattern);
  return ids;
}

export function isModuleCommonJs(file: string, program: TSESTree.Program, text: string, style?: ModuleStyle): boolean {
  if (/\.cjs$|\.cts$/.test(file)) return true;
  if (/\.mjs$|\.mts$/.test(file)) return false;
  if (jsFileIsEsm(file, style) === true) return false;
  if (program.body.some((s) => s.type === T.ImportDeclaration || s.type === T.ExportNamedDeclaration || s.type === T.ExportDefaultDeclaration)) {
    return false;
  }
  return /\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w+\s*=/.test(text);
}

export function relativeImport(fromFile: string, toFile: string, withExtension: string | null): string {
  const from = fromFile.split('/').slice(0, -1);
  const to = toFile.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join('/').replace(/\.[cm]?[jt]s$/, '');
  const path = (up === 0 ? './' : '../'.repeat(up)) + rest;
  return withExtension ? path + withExtension : path;
}

/**
 * Whether our import needs a file extension: like the file's other relative imports when it has some;
 * else as the project resolves modules (Node's ES modules need one: .mjs/.mts, a .js file in a
 * "type": "module" package, TypeScript under moduleResolution node16/nodenext in such a package).
 */
function importExtension(program: TSESTree.Program, moduleKind: 'cjs' | 'esm', file: string, helperPath: string, style?: ModuleStyle): string | null {
  if (moduleKind === 'cjs') return null;
  const relative = program.body
    .filter((s): s is TSESTree.ImportDeclaration => s.type === T.ImportDeclaration)
    .map((s) => s.source.value)
    .filter((v) => v.startsWith('.'));
  const needed = /\.m[jt]s$/.test(file) ||
    (relative.length > 0 ? relative.some((v) => /\.[cm]?js$/.test(v)) : tsFileIsNodeEsm(file, style) || jsFileIsEsm(file, style) === true);
  if (!needed) return null;
  const ext = /\.([cm]?)[jt]s$/.exec(helperPath);
  return ext ? `.${ext[1]}js` : '.js';
}

/** How the call's result is taken: `const r = await call`, `await call;`, or `return [await] call` in a callback. */
type ResultUse =
  | { kind: 'declare'; statement: TSESTree.VariableDeclaration; pattern: Node; declKind: string }
  | { kind: 'discard'; statement: TSESTree.ExpressionStatement }
  | { kind: 'return'; statement: TSESTree.ReturnStatement | null; expression: Node };

interface Loop {
  /** Where the hoisted statements go: the loop (with its labels), or the statement holding the fan-out. */
  anchor: Node;
  /** The statements the call sits among (the prelude is what comes before it). */
  body: TSESTree.Statement[];
  /** The loop body or the per-item callback: what runs once per item. */
  scope: Node;
  isCallback: boolean;
  /** Later requests are built only after earlier items ran their bodies (a loop, a limited fan-out). */
  sequential: boolean;
  /** The batch is awaited before the loop; forEach's callbacks await it themselves instead. */
  awaitsBatch: boolean;
  /** Labels naming the loop itself. */
  labels: string[];
  /** What is declared once per item: loop variables, callback parameters, the index. */
  itemIds: TSESTree.Identifier[];
  /** Values the original reads as the loop goes (the collection, the bound), which must not change in it. */
  live: { node: Node; role: 'collection' | 'bound' }[];
  /** Parameters of the function that builds each request, given a fresh name for an unused one. */
  mapParams(unused: string): string;
  /** The edits that turn the loop into a second pass over the results. */
  rewrite(names: { items: string; results: string; index: string; unused: string }): { hoisted: string; edits: TextEdit[]; indexName: string };
}

/** What both strategies need first: a batchable endpoint, a parsed file, the call written as client.<chain>.create(request). */
export interface CallUnderFix {
  endpoint: (typeof ENDPOINTS)[number];
  parsed: { ast: TSESTree.Program; text: string };
  parents: Map<Node, Node>;
  facts: FileFacts;
  call: TSESTree.CallExpression;
  client: Node;
  request: Node;
}

const FACTS = new WeakMap<TSESTree.Program, FileFacts>();

/** The file's facts, computed once per parse (the analysis checks every call site of a file on one AST). */
function factsFor(ast: TSESTree.Program, text: string): FileFacts {
  let facts = FACTS.get(ast);
  if (!facts || facts.text !== text) {
    facts = new FileFacts(ast, indexParents(ast), text);
    FACTS.set(ast, facts);
  }
  return facts;
}

export function callUnderFix(file: string, text: string, site: CallSite, ast?: TSESTree.Program): CallUnderFix | { ok: false; reason: string } {
  const endpoint = ENDPOINTS.find((e) => e.provider === site.provider && e.api === site.api);
  const wrapper = !endpoint && /^(ai-sdk|langchain)\./.exec(site.api);
  if (wrapper) {
    const sdk = site.provider === 'anthropic' ? '@anthropic-ai/sdk' : 'openai';
    const name = wrapper[1] === 'ai-sdk' ? 'Vercel AI SDK' : 'LangChain model';
    return refuse(`a ${name} call: the batch helpers take the provider's own request format, so move it to the official \`${sdk}\` client first (the verdict and the estimate stand)`);
  }
  if (!endpoint) {
    return refuse(`no batch rewrite for ${site.provider} ${site.api} calls; only OpenAI chat.completions, responses, embeddings and completions and Anthropic messages`);
  }
  if (site.streaming) return refuse('the call streams its response, and batch results do not stream');
  // The analysis already parsed this text; parse again only when called on its own.
  const parsed = ast ? { ok: true as const, ast, text } : parseSource(file, text);
  if (!parsed.ok) return refuse(`the file does not parse (${parsed.message})`);
  const call = findCall(parsed.ast, site.range);
  if (!call) return refuse('the call is no longer where it was analysed; analyse the file again');
  const client = clientOf(call, endpoint.chain);
  if (typeof client === 'string') return refuse(client);
  if (call.arguments.length !== 1 || call.arguments[0].type === T.SpreadElement) {
    return refuse('the call passes request options or spreads its arguments; only a single request argument can be batched');
  }
  const facts = factsFor(parsed.ast, text);
  const request = call.arguments[0];
  const stream = streamProblem(request, facts, call);
  if (stream) return refuse(stream);
  return { endpoint, parsed, parents: facts.parents, facts, call, client, request };
}

/**
 * Batch results never stream, so a request that may ask for a stream (`stream` set to anything but a
 * literal false, directly or through a spread) cannot go through a batch: the code reading the stream would break.
 */
function streamProblem(request: Node, facts: FileFacts, call: Node): string | null {
  const check = (obj: Node, via: string | null, depth: number): string | null => {
    const o = unwrap(obj);
    if (o.type === T.Identifier && depth < 4) {
      // Only changes that may reach its `stream` matter here (the loop hoist looks at the rest).
      const init = unchangedObjectLiteral(o, facts, call, ['stream']);
      if (init) return check(init, via ?? o.name, depth + 1);
    }
    if (o.type !== T.ObjectExpression) {
      const what = via ? `spreads \`${via}\`, which is not` : `is \`${facts.quote(o)}\`, not`;
      return `the request ${what} an object literal of this file whose \`stream\` nothing changes, so Batchwise cannot tell whether it asks for a stream (batch results do not stream); write the request out as an object literal to get a fix`;
    }
    for (const p of o.properties) {
      if (p.type === T.SpreadElement) {
        const inner = check(p.argument, via ?? facts.quote(p.argument), depth + 1);
        if (inner) return inner;
        continue;
      }
      const key = propertyName(p.key, p.computed);
      if (key === null) return `the request has a computed key (\`${facts.quote(p.key)}\`) that may be \`stream\`; batch results do not stream, so write the key out to get a fix`;
      if (key !== 'stream') continue;
      const value = unwrap(p.value);
      if (value.type === T.Literal && value.value === false) continue;
      const where = via ? `spreads \`${via}\`, which sets` : 'sets';
      return `the request ${where} \`stream\` to \`${facts.quote(value)}\`, and batch results do not stream; set \`stream: false\` (or leave it out) to get a fix`;
    }
    return null;
  };
  return check(request, null, 0);
}

/**
 * The object literal a `const` of this file holds, when no code (but `skip`, the call under fix) can change
 * it, or the member at `path` of it.
 */
export function unchangedObjectLiteral(id: TSESTree.Identifier, facts: FileFacts, skip: Node, path: string[] = []): TSESTree.ObjectExpression | null {
  const b = facts.bindingOf(id);
  const init = b?.kind === 'const' && b.path?.length === 0 && b.declarator?.init ? unwrap(b.declarator.init) : null;
  if (!b || init?.type !== T.ObjectExpression || b.exported) return null;
  const skipped = new Set([skip]);
  for (const ref of facts.referencesOf(b)) {
    const use = facts.useOf(ref);
    if (overlaps(use.path, path) && facts.harm(use, skipped)) return null;
  }
  return init;
}

export function checkLoopHoist(file: string, text: string, site: CallSite, helperPath: string, ast?: TSESTree.Program, style?: ModuleStyle): HoistCheck {
  const target = callUnderFix(file, text, site, ast);
  if ('ok' in target) return target;
  const { endpoint, parsed, parents, facts, call, client, request } = target;
  const helperKind: HelperKind = endpoint.provider;
  helperPath = helperPathFor(helperKind, helperPath);
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);

  const use = resultUse(call, parents);
  if (typeof use === 'string') return refuse(use);
  const loop = enclosingLoop(use, facts, parsed.ast);
  if (typeof loop === 'string') return refuse(loop);

  // The hoisted batch run is awaited where the loop stands: that needs an async function, or an ES module's top level.
  const holder = facts.functionOf(loop.anchor);
  if (loop.awaitsBatch) {
    if (holder && !holder.async) {
      return refuse('the loop is in a function that is not async, so the batch cannot be awaited there; make the function async first');
    }
    if (!holder && isModuleCommonJs(file, parsed.ast, text, style)) return refuse('the loop is at the top level of a CommonJS module, where the batch cannot be awaited');
    const esm = /\.m[jt]s$/.test(file) || (/\.jsx?$/.test(file) ? jsFileIsEsm(file, style) === true : tsAllowsTopLevelAwait(file, style));
    if (!holder && !esm) {
      return refuse('the loop is at the top level of the module; top-level await needs an ES module (.mjs/.mts, or .js in a package with "type": "module"), so move it into an async function first');
    }
  }

  const statement = use.statement;
  const position = statement ? loop.body.indexOf(statement as TSESTree.Statement) : loop.body.length;
  const callStart = (statement ?? call).range[0];
  const control = controlProblem(loop, callStart, facts);
  if (control) return refuse(control);
  if (llmCalls(loop.scope, parsed.text) > 1) return refuse('the loop body makes more than one LLM call; the later calls may depend on earlier answers');

  // In a concurrent fan-out every item runs up to its call before any answer arrives; after the rewrite
  // that part runs after the batch, item by item. Only pure const declarations look the same either way.
  if (loop.isCallback) {
    for (const s of loop.body.slice(0, Math.max(0, position))) {
      if (s.type === T.VariableDeclaration && s.kind === 'const' && s.declarations.every((d) => d.init && !facts.pureProblem(d.init))) continue;
      return refuse(
        `the callback runs \`${facts.quote(s)}\` before the call; the original does that for every item as it starts, before any answer arrives, while the rewrite could do it only after the batch, item by item, so the order of what the program does would change; move it out of the callback or after the call to get a fix`,
      );
    }
  }

  const moved = movedCode(loop, request, position, facts);
  if (typeof moved === 'string') return refuse(moved);
  const changed = changeProblem(loop, moved, call, callStart, holder, facts);
  if (changed) return refuse(changed);

  const typescript = /\.[cm]?tsx?$/.test(file);
  const moduleKind = isModuleCommonJs(file, parsed.ast, text, style) ? 'cjs' : 'esm';
  const indentOf = (n: Node) => {
    const lineStart = parsed.text.lastIndexOf('\n', n.range[0] - 1) + 1;
    return /^[ \t]*/.exec(parsed.text.slice(lineStart))![0];
  };
  const anchorIndent = indentOf(loop.anchor);
  const used = new Set<string>();
  visit(parsed.ast, (n) => void (n.type === T.Identifier && used.add(n.name)));
  const fresh = (base: string) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return name;
  };
  const items = fresh('batchwiseItems');
  const resultsName = fresh('batchwiseResults');
  const unused = fresh('_batchwiseItem');
  const { hoisted, edits, indexName } = loop.rewrite({ items, results: resultsName, index: fresh('batchwiseIndex'), unused });
  // forEach does not wait for its callbacks, so neither does the rewrite: the batch starts where forEach ran,
  // and each callback waits for it where it used to wait for its own answer. The function returns at once,
  // as before, and statements after the forEach still run before any callback resumes.
  const results = loop.awaitsBatch ? resultsName : `(await ${resultsName})`;

  // The request (and the pure values it needs) move out of the body: shallower by the body's indent.
  const shift = indentOf(statement ?? call).length - anchorIndent.length;
  const dedent = (t: string) =>
    t
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.replace(new RegExp(`^[ \\t]{0,${Math.max(0, shift)}}`), '')))
      .join('\n');
  const requestText = dedent(src(request));
  const mapBody = moved.needed.length
    ? `{\n${moved.needed
        .sort((a, b) => a.range[0] - b.range[0])
        .map((d) => `${anchorIndent}  ${dedent(src(d)).replace(/\n/g, '\n  ')}`)
        .join('\n')}\n${anchorIndent}  return ${requestText.replace(/\n/g, '\n  ')};\n${anchorIndent}}`
    : request.type === T.ObjectExpression
      ? `(${requestText})`
      : requestText;
  const run = `${loop.awaitsBatch ? 'await ' : ''}${endpoint.helper}(${src(client)}, ${items}.map((${loop.mapParams(unused)}) => ${mapBody}))`;
  edits.push({ range: [loop.anchor.range[0], loop.anchor.range[0]], newText: hoisted.replace('$RUN', run) + anchorIndent });

  const resultAccess = `${results}[${indexName}]${typescript ? '!' : ''}`;
  if (use.kind === 'declare') {
    edits.push({ range: [use.statement.range[0], use.statement.range[1]], newText: `${use.declKind} ${src(use.pattern)} = ${resultAccess};` });
  } else if (use.kind === 'discard') {
    const start = parsed.text.lastIndexOf('\n', use.statement.range[0] - 1);
    edits.push({ range: [start, use.statement.range[1]], newText: loop.awaitsBatch ? '' : `\n${indentOf(use.statement)}await ${resultsName};` });
  } else {
    edits.push({ range: [use.expression.range[0], use.expression.range[1]], newText: resultAccess });
  }
  edits.push(importEdit(parsed.ast, parsed.text, file, moduleKind, [{ helperPath, name: endpoint.helper }], style));
  return { ok: true, plan: { edits, moduleKind, typescript, helperKind, helperPath } };
}

function llmCalls(scope: Node, text: string): number {
  let n = 0;
  visit(scope, (node) => {
    if (node.type !== T.CallExpression) return;
    const callee = text.slice(node.callee.range[0], node.callee.range[1]).replace(/\s+/g, '');
    if (LLM_METHOD_CHAINS.some((re) => re.test(callee))) n++;
  });
  return n;
}

/**
 * Control flow a second pass over the results cannot keep: leaving the loop early (break, return, throw,
 * a labelled jump out) means the original never sent the later items' requests, which a batch has
 * already sent and been charged for; skipping the call (continue, or a callback's return, before it)
 * means it never sent that item's.
 */
function controlProblem(loop: Loop, callStart: number, facts: FileFacts): string | null {
  let problem: string | null = null;
  const uses = (what: string) => `the loop body uses ${what}, which a batch (all requests first) cannot keep`;
  const walk = (n: Node, inFunction: boolean, inLoop: boolean, inSwitch: boolean, labels: ReadonlySet<string>) => {
    if (problem) return;
    if (n !== loop.scope && isFunctionLike(n)) inFunction = true;
    const before = n.range[0] < callStart;
    // A throw in a function the body defines counts too: a callback may run (and throw) right there.
    if (n.type === T.ThrowStatement && (loop.sequential || (before && !inFunction))) {
      problem = `the loop body can throw (line ${facts.line(n)}: \`${facts.quote(n)}\`), which ends the loop early; a batch would already have sent, and charged for, the requests of the items after it`;
    }
    if (!inFunction) {
      switch (n.type) {
        case T.ReturnStatement:
          if (!loop.isCallback) problem = uses('return');
          else if (before) {
            problem = `the callback can return before the call (line ${facts.line(n)}: \`${facts.quote(guardOf(n, facts))}\`), but a batch builds and sends a request for every item, the skipped ones too (for which building one may even fail); filter the items first (xs.filter(…)) and batch the filtered list to get a fix`;
          }
          break;
        case T.YieldExpression:
          problem = uses('yield');
          break;
        case T.BreakStatement:
        case T.ContinueStatement: {
          const label = n.label?.name;
          if (label && labels.has(label)) break;
          const ownLoop = label ? loop.labels.includes(label) : n.type === T.ContinueStatement ? !inLoop : !inLoop && !inSwitch;
          if (label && !ownLoop) {
            problem = `the loop body jumps out of an enclosing statement (\`${facts.quote(n)}\`, line ${facts.line(n)}), which ends the loop early; a batch would already have sent, and charged for, the requests of the items after it`;
          } else if (ownLoop && (n.type === T.BreakStatement || before)) {
            // A continue after the call only skips the rest of that item's body, which the second pass keeps.
            problem = uses(n.type === T.BreakStatement ? 'break' : 'continue');
          }
          break;
        }
        default:
          break;
      }
    }
    const innerLoop = n !== loop.scope && [T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement].includes(n.type as T);
    const inner = n.type === T.LabeledStatement ? new Set([...labels, n.label.name]) : labels;
    for (const c of childNodes(n)) walk(c, inFunction, inLoop || innerLoop, inSwitch || n.type === T.SwitchStatement, inner);
  };
  walk(loop.scope, false, false, false, new Set());
  return problem;
}

/** The `if` a return sits in, for quoting a guard. */
function guardOf(ret: Node, facts: FileFacts): Node {
  const p = facts.parents.get(ret);
  const q = p?.type === T.BlockStatement ? facts.parents.get(p) : p;
  return q?.type === T.IfStatement ? q : ret;
}

function childNodes(n: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(n)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    for (const k of Array.isArray(v) ? v : [v]) if (k && typeof k === 'object' && typeof (k as Node).type === 'string') out.push(k as Node);
  }
  return out;
}

/** What a read is for: the request; the collection or bound the loop reads as it goes; a value a callback computes before its call. */
type Role = 'request' | 'collection' | 'bound' | 'prelude';

interface Moved {
  /** The prelude declarations the request needs, moved (copied) into the function that builds it. */
  needed: TSESTree.VariableDeclaration[];
  /** What goes before the loop: the request and those declarations' initialisers. */
  roots: Node[];
  /** References the moved code (and what the loop reads as it goes) makes to values from outside it. */
  reads: { ref: Node; role: Role; computes?: string }[];
}

/** The request and the prelude values it needs, all pure; and what they read from outside the loop. */
function movedCode(loop: Loop, request: Node, position: number, facts: FileFacts): Moved | string {
  const impure = facts.pureProblem(request);
  if (impure) return impureRequest(impure, facts);
  const itemBindings = new Set(loop.itemIds.map((id) => facts.bindingOf(id)));
  const prelude = new Set(loop.body.slice(0, Math.max(0, position)));
  const needed: TSESTree.VariableDeclaration[] = [];
  const roots: Node[] = [request];
  const reads: Moved['reads'] = [];
  for (let i = 0; i < roots.length; i++) {
    for (const ref of facts.freeReads(roots[i])) {
      const b = facts.bindingOf(ref)!;
      if (itemBindings.has(b) || b.kind === 'global' || b.kind === 'this' || !within(b.scope, loop.scope) || b.scope === loop.scope && isFunctionLike(loop.scope) && b.kind === 'param') {
        reads.push({ ref, role: 'request' });
        continue;
      }
      const decl = b.declarator ? facts.parents.get(b.declarator) : undefined;
      if (decl?.type === T.VariableDeclaration && prelude.has(decl as TSESTree.Statement) && decl.kind === 'const') {
        if (needed.includes(decl)) continue;
        for (const d of decl.declarations) {
          const problem = d.init ? facts.pureProblem(d.init) : { at: d, what: 'call' };
          if (problem) {
            const does = problem.what === 'await' ? 'waits for something' : 'Batchwise cannot show is free of side effects';
            return `the request uses \`${b.name}\`, computed inside the loop by \`${facts.quote(problem.at)}\`, which ${does}; a batch builds every request in one pass before the loop, so only the loop item, values computed purely from it, and values from outside the loop can go into a request`;
          }
          roots.push(d.init!);
        }
        needed.push(decl);
        continue;
      }
      return `the request uses \`${b.name}\`, which is computed inside the loop; only the loop item and values from outside the loop can be batched`;
    }
  }
  // After the rewrite a Promise.all callback runs its statements before the call again, after the batch
  // and one item after another; in the original they all ran before any answer arrived. What they read
  // must not change in between, or later items would see what earlier ones did.
  if (!loop.sequential && loop.awaitsBatch) {
    for (const s of prelude) {
      if (s.type !== T.VariableDeclaration) continue;
      for (const d of s.declarations) {
        for (const ref of d.init ? facts.freeReads(d.init) : []) {
          const b = facts.bindingOf(ref)!;
          if (!itemBindings.has(b) && (b.kind === 'global' || b.kind === 'this' || !within(b.scope, loop.scope))) {
            reads.push({ ref, role: 'prelude', computes: facts.quote(d.id) });
          }
        }
      }
    }
  }
  if (loop.sequential) {
    for (const live of loop.live) {
      const n = liveCollection(live.node);
      const chain = n.type === T.Identifier || n.type === T.MemberExpression ? facts.memberChain(n) : null;
      if (chain) reads.push({ ref: chain.root, role: live.role });
      else if (live.role === 'bound') for (const ref of facts.freeReads(n)) reads.push({ ref, role: live.role });
    }
  }
  return { needed, roots, reads };
}

/** The collection behind `xs`, `data.items`, `xs.entries()`: what the loop reads as it goes. */
function liveCollection(node: Node): Node {
  const n = unwrap(node);
  if (n.type === T.CallExpression && n.arguments.length === 0 && n.callee.type === T.MemberExpression) {
    const m = propertyName(n.callee.property, n.callee.computed);
    if (m === 'entries' || m === 'keys' || m === 'values') return liveCollection(n.callee.object);
  }
  return n;
}

function impureRequest(problem: { at: Node; what: string }, facts: FileFacts): string {
  const q = facts.quote(problem.at);
  if (problem.what === 'await') {
    return `the request waits for something inside itself (\`${q}\`); a batch builds every request in one pass before the loop, where nothing can be waited for: get those values before the loop, or keep this call unbatched`;
  }
  if (problem.what === 'call') {
    return `the request calls \`${q}\`, which Batchwise cannot show is free of side effects; a batch builds every request before the loop, so that call would run for every item first, out of its original order: make it a function of this file that only computes a value (or a string/array method on a known string or array), or keep this call unbatched`;
  }
  const what = problem.what === 'assignment' ? 'an assignment' : problem.what === 'new' ? 'a constructor call' : problem.what === 'function' ? 'a function' : 'a yield';
  return `the request contains ${what} (\`${q}\`), which a batch would run for every item before the loop instead of once per iteration; compute that value outside the request from the item alone, or keep this call unbatched`;
}

/**
 * Something the moved code reads that changes while the loop runs (see the header). Items count only
 * in their own iteration before the call (an item's later changes cannot reach its request).
 */
function changeProblem(loop: Loop, moved: Moved, call: Node, callStart: number, holder: FunctionLike | null, facts: FileFacts): string | null {
  const itemBindings = new Set<Binding | undefined>(loop.itemIds.map((id) => facts.bindingOf(id)));
  for (const id of loop.itemIds) {
    const b = facts.bindingOf(id)!;
    for (const ref of facts.referencesOf(b)) {
      const u = facts.useOf(ref);
      if (u.kind === 'write' && u.path.length === 0 && within(ref, loop.scope)) return `the loop variable \`${b.name}\` is reassigned inside the loop`;
    }
  }
  const byBinding = new Map<Binding, { path: string[]; ref: Node; role: Role; computes?: string }[]>();
  for (const r of moved.reads) {
    const b = facts.bindingOf(r.ref)!;
    const u = facts.useOf(r.ref);
    const list = byBinding.get(b) ?? [];
    list.push({ path: u.path, ref: r.ref, role: r.role, computes: r.computes });
    byBinding.set(b, list);
  }
  const reachable = reachableFunctions(loop.scope, facts);
  const skip = new Set<Node>([call]);
  const inMoved = (ref: Node) => moved.roots.some((root) => within(ref, root));
  for (const [b, reads] of byBinding) {
    // A const holding a string, number or boolean cannot change at all.
    if ((b.kind === 'const' || b.kind === 'import') && b.id && ['string', 'number', 'boolean'].includes(facts.kindOf(b.id) ?? '')) continue;
    const isItem = itemBindings.has(b);
    for (const ref of facts.referencesOf(b)) {
      if (inMoved(ref)) continue;
      const u = facts.useOf(ref);
      // A function of this file changes only by being reassigned.
      if (b.fn && !(u.kind === 'write' && u.path.length === 0)) continue;
      // In a concurrent fan-out every request is built before anything else runs: only what the callbacks compute again matters.
      const read = reads.find((r) => overlaps(r.path, u.path) && (isItem || loop.sequential || r.role === 'prelude'));
      if (!read) continue;
      // Where the change happens decides (through an alias, that is where the alias is used).
      for (const harm of facts.harms(u, skip)) {
        const inLoop = within(harm.at, loop.scope);
        if (isItem) {
          if (inLoop && harm.at.range[0] < callStart) {
            return `the request uses \`${readName(read.ref, facts)}\`, which the loop body changes before the call (line ${facts.line(harm.at)}: \`${facts.quote(harm.at)}\`); a batch builds every request from the items as they are before the loop; compute the changed value into a const instead (const text = item.text.trim()) to get a fix`;
          }
          continue;
        }
        const fn = reachable.find((f) => within(harm.at, f.fn));
        const does = (who: string) =>
          harm.kind === 'hand-on'
            ? `${who} hands to \`${calleeName(harm.use, facts)}\` (line ${facts.line(harm.at)}), which may change it`
            : `${who} ${harm.kind === 'change' ? 'changes' : 'may change'} (line ${facts.line(harm.at)}: \`${facts.quote(harm.at)}\`)`;
        let where: string;
        if (inLoop) where = does('the loop body');
        else if (fn) where = `${does(`\`${fn.name}\``)}, and the loop calls \`${fn.name}\``;
        else {
          // Code outside the loop: harmless in the loop's own function (before or after the loop) for its own
          // variables; anywhere else it may run while the loop waits for an answer. Hand-offs there are not chased.
          if (harm.kind === 'hand-on') continue;
          const own = facts.functionOf(harm.at) === holder && (holder === null || within(b.scope, holder));
          if (own) continue;
          where = `${does('code outside the loop')}, possibly while the loop waits for an answer`;
        }
        return changeReason(read.role, readName(read.ref, facts), where, read.computes);
      }
    }
  }
  return null;
}

function changeReason(role: Role, name: string, where: string, computes?: string): string {
  if (role === 'prelude') {
    return `the callback computes \`${computes}\` before the call from \`${name}\`, which ${where}; after the rewrite the callbacks run that part again after the batch, one item after another, so later items would see the change where the original did not; keep this call unbatched`;
  }
  if (role === 'collection') {
    return `the loop runs over \`${name}\`, which ${where}; a batch takes the items once, before the loop, so it would miss items added (or send requests for items removed) as the loop runs; keep this call unbatched`;
  }
  if (role === 'bound') {
    return `the loop is bounded by \`${name}\`, which ${where}; a batch counts the items once, before the loop, so it would send a different number of requests; keep this call unbatched, or fix the bound in a const before the loop`;
  }
  return `the request uses \`${name}\`, which ${where}; a batch builds every request before the loop runs, so none would see that change; build the request from the loop item and values nothing changes to get a fix`;
}

/** The text of what a reference reads: `st.n`, `xs[i]`, `history` (for history.slice()). */
function readName(ref: Node, facts: FileFacts): string {
  const u = facts.useOf(ref);
  if (u.kind === 'method') return facts.quote(u.receiver);
  let cur: Node = ref;
  for (let i = 0; i < u.path.length; i++) {
    let p = facts.parents.get(cur);
    while (p && p.type !== T.MemberExpression) {
      cur = p;
      p = facts.parents.get(cur);
    }
    if (!p) break;
    cur = p;
  }
  return facts.quote(cur);
}

function calleeName(u: Use, facts: FileFacts): string {
  return u.kind === 'escape' && u.callee ? facts.quote(u.callee) : u.kind === 'escape' ? facts.quote(u.at) : facts.quote(u.ref);
}

/** Functions of this file the loop body may call (directly or through each other): a few levels deep. */
function reachableFunctions(scope: Node, facts: FileFacts): { fn: FunctionLike; name: string }[] {
  const out: { fn: FunctionLike; name: string }[] = [];
  const visitIn = (root: Node, depth: number) => {
    visit(root, (n) => {
      if (n.type !== T.Identifier) return;
      const b = facts.bindingOf(n);
      if (!b?.fn || out.some((f) => f.fn === b.fn) || within(b.fn, scope)) return;
      out.push({ fn: b.fn, name: b.name });
      if (depth < 4) visitIn(b.fn, depth + 1);
    });
  };
  visitIn(scope, 0);
  return out;
}

/** The client in `client.<chain>.create(...)`, written out (an alias hides what it is), or why not. */
export function clientOf(call: TSESTree.CallExpression, chain: readonly string[]): Node | string {
  const callee = call.callee;
  if (callee.type !== T.MemberExpression || propertyName(callee.property, callee.computed) !== 'create') {
    return `the call is not written as client.${chain.join('.')}.create(...)`;
  }
  let cursor: Node = callee.object;
  for (const part of [...chain].reverse()) {
    if (cursor.type !== T.MemberExpression || propertyName(cursor.property, cursor.computed) !== part) {
      return `the client is reached through an alias; write the call as client.${chain.join('.')}.create(...) to get a fix`;
    }
    cursor = cursor.object;
  }
  return cursor;
}

function resultUse(call: TSESTree.CallExpression, parents: Map<Node, Node>): ResultUse | string {
  const parent = parents.get(call);
  const awaited = parent?.type === T.AwaitExpression ? parent : null;
  const outer = awaited ? parents.get(awaited) : parent;
  if (outer?.type === T.ReturnStatement) return { kind: 'return', statement: outer, expression: awaited ?? call };
  if (outer?.type === T.ArrowFunctionExpression && outer.body === (awaited ?? call)) return { kind: 'return', statement: null, expression: awaited ?? call };
  if (!awaited) return 'the call is not awaited where it is made, so its result may be used in ways a batch cannot keep';
  if (outer?.type === T.ExpressionStatement) return { kind: 'discard', statement: outer };
  if (outer?.type === T.VariableDeclarator && outer.init === awaited) {
    const decl = parents.get(outer);
    if (decl?.type !== T.VariableDeclaration || decl.declarations.length !== 1) return 'the result is declared together with other variables';
    return { kind: 'declare', statement: decl, pattern: outer.id, declKind: decl.kind };
  }
  return 'the result is used inside a larger expression; assign it to a variable first (const res = await …)';
}

function enclosingLoop(use: ResultUse, facts: FileFacts, program: TSESTree.Program): Loop | string {
  const src = (n: Node) => facts.src(n);
  const parents = facts.parents;
  // A concise arrow body (`async (x) => client.….create(…)`) is its own callback.
  const start: Node = use.kind === 'return' && use.statement === null ? use.expression : (use.statement as Node);
  const container = parents.get(start);

  if (container?.type === T.BlockStatement) {
    const owner = parents.get(container);
    // for (const x of xs) { … }
    if (owner?.type === T.ForOfStatement && owner.body === container && use.kind !== 'return') {
      if (owner.await) return 'for await loops consume their items one at a time; the items are not known up front';
      if (owner.left.type !== T.VariableDeclaration || owner.left.declarations.length !== 1) return 'the loop assigns to an existing variable instead of declaring one';
      const upFront = upFrontProblem(owner.right, facts);
      if (upFront) return upFront;
      const placed = placement(owner, facts);
      if (typeof placed === 'string') return placed;
      const left = owner.left;
      const pattern = left.declarations[0].id;
      return {
        ...placed,
        body: container.body,
        scope: container,
        isCallback: false,
        sequential: true,
        awaitsBatch: true,
        itemIds: patternIds(pattern),
        live: [{ node: owner.right, role: 'collection' }],
        mapParams: () => src(pattern),
        rewrite: ({ items, results, index }) => ({
          hoisted: `const ${items} = Array.from(${src(owner.right)});\n${indentLike(placed.anchor, facts.text)}const ${results} = $RUN;\n`,
          edits: [{ range: [left.range[0], owner.right.range[1]], newText: `${left.kind} [${index}, ${src(pattern)}] of ${items}.entries()` }],
          indexName: index,
        }),
      };
    }
    // for (let i = 0; i < xs.length; i++) { … }
    if (owner?.type === T.ForStatement && owner.body === container && use.kind !== 'return') {
      const bound = indexLoop(owner, facts.text);
      if (typeof bound === 'string') return bound;
      const placed = placement(owner, facts);
      if (typeof placed === 'string') return placed;
      return {
        ...placed,
        body: container.body,
        scope: container,
        isCallback: false,
        sequential: true,
        awaitsBatch: true,
        itemIds: [bound.id],
        live: [{ node: bound.node, role: 'bound' }],
        mapParams: (unused) => `${unused}, ${bound.index}`,
        rewrite: ({ items, results }) => ({
          hoisted: `const ${items} = Array.from({ length: ${bound.length} });\n${indentLike(placed.anchor, facts.text)}const ${results} = $RUN;\n`,
          edits: [],
          indexName: bound.index,
        }),
      };
    }
    if (owner && isFunctionLike(owner) && owner.body === container) {
      const cb = mapCallback(owner, facts, program);
      if (typeof cb === 'string') return cb;
      return { ...cb, body: container.body, scope: owner };
    }
    return NOT_PER_ITEM;
  }
  if (container?.type === T.ArrowFunctionExpression && container.body === start) {
    const cb = mapCallback(container, facts, program);
    if (typeof cb === 'string') return cb;
    return { ...cb, body: [], scope: container };
  }
  return NOT_PER_ITEM;
}

export const NOT_PER_ITEM =
  'the call is not made once per item: it is not a statement directly inside a for…of loop, an index for loop, or a Promise.all(xs.map(…)), p-map, p-limit or forEach callback';

/** The loop with its labels, which must be a statement of a block: the batch goes right before it. */
function placement(loopNode: Node, facts: FileFacts): { anchor: Node; labels: string[] } | string {
  let anchor = loopNode;
  const labels: string[] = [];
  for (let p = facts.parents.get(anchor); p?.type === T.LabeledStatement && p.body === anchor; p = facts.parents.get(anchor)) {
    labels.push(p.label.name);
    anchor = p;
  }
  const holder = facts.parents.get(anchor);
  if (holder?.type === T.BlockStatement || holder?.type === T.Program || holder?.type === T.StaticBlock) return { anchor, labels };
  const what =
    holder?.type === T.IfStatement ? (holder.alternate === anchor ? 'an else' : 'an if')
      : holder?.type === T.SwitchCase ? 'a switch case'
        : holder && [T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement].includes(holder.type as T) ? 'another loop'
          : 'another statement';
  return `the loop is the body of ${what} without braces, so there is no place for the batch right before it (and it would run even when the loop does not); wrap the loop in a block ({ … }) to get a fix`;
}

/**
 * Why the items a loop (or p-map) runs over may not all be there up front, or null. The collection is
 * evaluated once either way; what a batch cannot keep is a generator or iterator handing items out one
 * at a time (its work would all run first, or an async one would not spread into an array at all). So:
 * array literals, variables and members not made by such a call, and calls known to return arrays.
 */
function upFrontProblem(expr: Node, facts: FileFacts, depth = 0): string | null {
  const e = unwrap(expr);
  const problem = (n: Node) =>
    `the items come from \`${facts.quote(n)}\`, which may hand them out one at a time (a generator or an iterator), so they are not all there before the loop; collect them into an array first (const items = [...${facts.quote(n)}]) if reading them all up front is safe, to get a fix`;
  switch (e.type) {
    case T.ArrayExpression:
    case T.AwaitExpression:
      return null;
    case T.NewExpression:
      return e.callee.type === T.Identifier && ['Set', 'Map', 'Array'].includes(e.callee.name) && facts.bindingOf(e.callee)?.kind === 'global' ? null : problem(e);
    case T.ConditionalExpression:
      return upFrontProblem(e.consequent, facts, depth + 1) ?? upFrontProblem(e.alternate, facts, depth + 1);
    case T.LogicalExpression:
      return upFrontProblem(e.left, facts, depth + 1) ?? upFrontProblem(e.right, facts, depth + 1);
    case T.Identifier:
    case T.MemberExpression:
    case T.ThisExpression: {
      const chain = facts.memberChain(e);
      if (!chain) {
        let root: Node = e;
        while (root.type === T.MemberExpression) root = unwrap(root.object);
        return root.type === T.AwaitExpression ? null : problem(e);
      }
      const init = chain.binding.kind !== 'param' && chain.binding.path?.length === 0 ? chain.binding.declarator?.init : null;
      const made = init ? unwrap(init) : null;
      if (made?.type === T.CallExpression && isIteratorCall(made, facts)) return problem(made);
      return null;
    }
    case T.CallExpression:
      return returnsArray(e, facts, depth) ? null : problem(e);
    default:
      return problem(e);
  }
}

/** A generator function of this file called, or an object's own iterator taken by hand. */
function isIteratorCall(call: TSESTree.CallExpression, facts: FileFacts): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === T.Identifier) return Boolean(facts.bindingOf(callee)?.fn?.generator);
  if (callee.type !== T.MemberExpression) return false;
  return callee.computed && /Symbol\.(async)?[iI]terator/.test(facts.src(callee.property));
}

function returnsArray(call: TSESTree.CallExpression, facts: FileFacts, depth: number): boolean {
  const callee = unwrap(call.callee);
  const text = facts.src(callee).replace(/\s+/g, '');
  if (['Object.keys', 'Object.values', 'Object.entries', 'Array.from', 'Array.of', 'JSON.parse'].includes(text)) {
    let root = callee;
    while (root.type === T.MemberExpression) root = unwrap(root.object);
    return root.type === T.Identifier && facts.bindingOf(root)?.kind === 'global';
  }
  if (callee.type !== T.MemberExpression || depth > 4) return false;
  const m = propertyName(callee.property, callee.computed);
  if (m === 'split' || m === 'matchAll') return true;
  // An iterator over a collection known up front reads nothing else; changes to the collection are checked.
  if ((m === 'entries' || m === 'keys' || m === 'values') && call.arguments.length === 0) return upFrontProblem(callee.object, facts, depth + 1) === null;
  const arrayMethods = ['slice', 'filter', 'map', 'flat', 'flatMap', 'concat', 'toSorted', 'toReversed', 'toSpliced', 'with', 'sort', 'reverse'];
  return Boolean(m && arrayMethods.includes(m) && upFrontProblem(callee.object, facts, depth + 1) === null);
}

export function indentLike(n: Node, text: string): string {
  const lineStart = text.lastIndexOf('\n', n.range[0] - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** `for (let i = 0; i < xs.length; i++)` (or `i < n` with an invariant n), counting up by one. */
function indexLoop(loop: TSESTree.ForStatement, text: string): { index: string; id: TSESTree.Identifier; length: string; node: Node } | string {
  const init = loop.init;
  const shape = 'only index loops of the form for (let i = 0; i < n; i++) can be batched';
  if (init?.type !== T.VariableDeclaration || init.declarations.length !== 1) return shape;
  const d = init.declarations[0];
  if (d.id.type !== T.Identifier || d.init?.type !== T.Literal || d.init.value !== 0) return shape;
  const i = d.id.name;
  const test = loop.test;
  if (test?.type !== T.BinaryExpression || test.operator !== '<' || test.left.type !== T.Identifier || test.left.name !== i) return shape;
  const update = loop.update;
  const stepsByOne =
    (update?.type === T.UpdateExpression && update.operator === '++' && update.argument.type === T.Identifier && update.argument.name === i) ||
    (update?.type === T.AssignmentExpression && update.operator === '+=' && update.left.type === T.Identifier && update.left.name === i && update.right.type === T.Literal && update.right.value === 1);
  if (!stepsByOne) return shape;
  const bound = test.right;
  const simple = (n: Node): boolean => n.type === T.Identifier || n.type === T.Literal || (n.type === T.MemberExpression && !n.computed && simple(n.object));
  if (!simple(bound)) return 'the loop bound is computed on every iteration; hoist it into a constant first';
  return { index: i, id: d.id, length: text.slice(bound.range[0], bound.range[1]), node: bound };
}

/** A module's default export bound to `name` by a top-level `import name from 'source'`. */
export function importsDefault(program: TSESTree.Program, name: string, source: string): boolean {
  return program.body.some(
    (s) =>
      s.type === T.ImportDeclaration &&
      s.source.value === source &&
      s.importKind !== 'type' &&
      s.specifiers.some(
        (sp) =>
          sp.local.name === name &&
          (sp.type === T.ImportDefaultSpecifier || (sp.type === T.ImportSpecifier && propertyName(sp.imported, false) === 'default')),
      ),
  );
}

/** `limit` in `limit(async () => …)` is a p-limit limiter: every declaration of that name is `pLimit(n)`. */
export function isPLimitLimiter(program: TSESTree.Program, name: string): boolean {
  const inits: (Node | null)[] = [];
  visit(program, (n) => void (n.type === T.VariableDeclarator && n.id.type === T.Identifier && n.id.name === name && inits.push(n.init)));
  return (
    inits.length > 0 &&
    inits.every((init) => init?.type === T.CallExpression && init.callee.type === T.Identifier && importsDefault(program, init.callee.name, 'p-limit'))
  );
}

/** p-map runs every mapper at once unless its options cap the concurrency. */
function pMapIsLimited(options: Node | undefined): boolean {
  if (!options) return false;
  const o = unwrap(options);
  if (o.type !== T.ObjectExpression) return true;
  const c = o.properties.find((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'concurrency') as TSESTree.Property | undefined;
  if (o.properties.some((p) => p.type === T.SpreadElement)) return true;
  return Boolean(c && !(c.value.type === T.Identifier && c.value.name === 'Infinity'));
}

/**
 * A callback that runs once per item of a collection known up front:
 * `Promise.all(xs.map(async (x, i) => { … }))` (Promise.all keeps the order),
 * `await pMap(xs, async (x, i) => { … }, options)`,
 * `Promise.all(xs.map((x) => limit(async () => { … })))` with a p-limit limiter,
 * and `xs.forEach(async (x, i) => { … })` over an array.
 */
function mapCallback(fn: Node, facts: FileFacts, program: TSESTree.Program, limited = false): Omit<Loop, 'body' | 'scope'> | string {
  const src = (n: Node) => facts.src(n);
  const parents = facts.parents;
  if (fn.type !== T.ArrowFunctionExpression && fn.type !== T.FunctionExpression) return NOT_PER_ITEM;
  const outerCall = parents.get(fn);
  if (outerCall?.type !== T.CallExpression) return NOT_PER_ITEM;

  // p-limit: the per-item callback is the one handing this function to the limiter.
  if (outerCall.callee.type === T.Identifier && outerCall.arguments.length === 1 && outerCall.arguments[0] === fn && isPLimitLimiter(program, outerCall.callee.name)) {
    if (fn.params.length > 0) return 'the function handed to the p-limit limiter takes arguments';
    const holder = parents.get(outerCall);
    const returned = holder?.type === T.ReturnStatement ? holder : null;
    const perItem = returned ? parents.get(parents.get(returned) ?? returned) : holder;
    const returnsOnly = returned ? parents.get(returned)?.type === T.BlockStatement && (parents.get(returned) as TSESTree.BlockStatement).body.length === 1 : true;
    if (!perItem || !isFunctionLike(perItem) || !returnsOnly || (!returned && (perItem as TSESTree.ArrowFunctionExpression).body !== outerCall)) {
      return 'the p-limit limiter is not called as the whole body of a per-item callback (xs.map((x) => limit(async () => …)))';
    }
    const outer = mapCallback(perItem, facts, program, true);
    // The items and the index are the per-item callback's; the body that runs them is the limited one.
    return typeof outer === 'string' ? outer : { ...outer, isCallback: true };
  }

  const method = outerCall.callee.type === T.MemberExpression ? propertyName(outerCall.callee.property, outerCall.callee.computed) : null;
  const isPMap = outerCall.callee.type === T.Identifier && importsDefault(program, outerCall.callee.name, 'p-map');
  if (isPMap ? outerCall.arguments[1] !== fn || outerCall.arguments.length > 3 : outerCall.arguments[0] !== fn || outerCall.arguments.length !== 1) return NOT_PER_ITEM;
  if (!isPMap && method !== 'map' && method !== 'forEach') return NOT_PER_ITEM;
  const receiver = isPMap ? outerCall.arguments[0] : (outerCall.callee as TSESTree.MemberExpression).object;
  if (receiver.type === T.SpreadElement) return NOT_PER_ITEM;
  if (isPMap) {
    const upFront = upFrontProblem(receiver, facts);
    if (upFront) return upFront;
  }

  // The whole fan-out must finish before what follows it, so the results can be waited for first.
  let fanOut: Node = outerCall;
  if (method === 'map') {
    const all = parents.get(outerCall);
    if (all?.type !== T.CallExpression || all.arguments[0] !== outerCall || all.callee.type !== T.MemberExpression || src(all.callee).replace(/\s+/g, '') !== 'Promise.all') {
      return 'the map callback is not awaited through Promise.all, so the items may not all be known up front';
    }
    fanOut = all;
  }
  if (isPMap) {
    const holder = parents.get(outerCall);
    if (holder?.type !== T.AwaitExpression && holder?.type !== T.ReturnStatement) return 'the p-map call is not awaited where it is made';
  }
  if (fn.params.length > 2 || fn.params.some((p) => p.type === T.RestElement)) return 'the callback takes more than an item and an index';
  // The statement holding the fan-out gets the hoisted batch run before it.
  let anchor: Node = fanOut;
  while (parents.get(anchor) && !/Statement$|Declaration$/.test(anchor.type)) anchor = parents.get(anchor)!;
  const container = parents.get(anchor);
  if (!container || (container.type !== T.BlockStatement && container.type !== T.Program)) {
    return 'the fan-out is not a statement of its own in a block, so there is no place for the batch right before it; give it a statement of its own to get a fix';
  }
  const position = fanOutPosition(fanOut, outerCall, anchor, facts);
  if (position) return position;
  if (method === 'forEach') {
    if (anchor.type !== T.ExpressionStatement || (anchor as TSESTree.ExpressionStatement).expression !== fanOut) return 'the forEach result is used; forEach returns nothing';
    if (!fn.async) return 'the forEach callback is not async, so it cannot wait for the batch; make it async (xs.forEach(async (x) => …)) to get a fix';
    // A Map's or Set's forEach hands out values and keys, not items and indexes as an array's does.
    if (facts.kindOf(receiver) !== 'array') {
      return `\`${src(receiver)}\` is not known to be an array (a Map's or a Set's forEach passes keys, not indexes), so Batchwise cannot rebuild the loop over an array of items; write Array.from(${src(receiver)}).forEach(…) to get a fix`;
    }
  }
  const sequential = limited || (isPMap && pMapIsLimited(outerCall.arguments[2]));
  return {
    anchor,
    labels: [],
    isCallback: true,
    sequential,
    awaitsBatch: method !== 'forEach',
    itemIds: fn.params.flatMap((p) => patternIds(p)),
    live: isPMap ? [{ node: receiver, role: 'collection' }] : [],
    mapParams: (unused) => fn.params.map((p) => src(p)).join(', ') || unused,
    rewrite: ({ items, results, index, unused }) => {
      const existing = fn.params[1]?.type === T.Identifier ? fn.params[1].name : null;
      const indexName = existing ?? index;
      const edits: TextEdit[] = [{ range: [receiver.range[0], receiver.range[1]], newText: items }];
      if (!existing) {
        const first = fn.params[0];
        if (first) edits.push({ range: [first.range[1], first.range[1]], newText: `, ${indexName}` });
        else edits.push(paramsEdit(fn, facts.text, `${unused}, ${indexName}`));
      }
      // p-map also takes iterables that are not arrays; a spread reads any iterable the way p-map does.
      const all = isPMap ? `[...${src(receiver)}]` : `Array.from(${src(receiver)})`;
      return {
        hoisted: `const ${items} = ${all};\n${indentLike(anchor, facts.text)}const ${results} = $RUN;\n`,
        edits,
        indexName,
      };
    },
  };
}

/**
 * The batch goes before the fan-out's statement, so the fan-out must be the first thing that statement
 * does, and do it unconditionally: `enabled ? await Promise.all(…) : []` would otherwise run (and pay
 * for) the batch when `enabled` is false.
 */
function fanOutPosition(fanOut: Node, outerCall: TSESTree.CallExpression, anchor: Node, facts: FileFacts): string | null {
  const conditional = (cond: string) =>
    `the fan-out runs only under a condition (\`${cond}\`), but the batch would go before its statement and run, and be paid for, either way; put the fan-out in an if statement of its own to get a fix`;
  const callee = outerCall.callee;
  if (outerCall.optional || (callee.type === T.MemberExpression && callee.optional)) return conditional(`${facts.quote(callee)}`);
  if (fanOut.type === T.CallExpression && fanOut.optional) return conditional(facts.quote(fanOut.callee));
  const notFirst = `the fan-out is not the first thing its statement does (\`${facts.quote(anchor)}\`), and the batch goes before that statement, ahead of the rest of it; give the fan-out a statement of its own (const results = await Promise.all(…)) to get a fix`;
  const simpleCallee = (c: Node): boolean => c.type === T.Identifier || (c.type === T.MemberExpression && !c.computed && !c.optional && simpleCallee(c.object));
  let cur: Node = fanOut;
  while (cur !== anchor) {
    const p = facts.parents.get(cur);
    if (!p) return notFirst;
    switch (p.type) {
      case T.AwaitExpression:
      case T.ChainExpression:
      case T.TSAsExpression:
      case T.TSNonNullExpression:
      case T.TSSatisfiesExpression:
      case T.TSTypeAssertion:
      case T.ExpressionStatement:
      case T.ReturnStatement:
        break;
      case T.MemberExpression:
        if (p.object !== cur) return notFirst;
        break;
      case T.CallExpression:
        if (p.callee !== cur && !(p.arguments[0] === cur && !p.optional && simpleCallee(p.callee))) return notFirst;
        break;
      case T.VariableDeclarator:
        if (p.init !== cur) return notFirst;
        break;
      case T.VariableDeclaration:
        if (p.declarations.length !== 1) return notFirst;
        break;
      case T.AssignmentExpression:
        if (p.right !== cur) return notFirst;
        if (p.operator === '&&=' || p.operator === '||=' || p.operator === '??=') return conditional(`${facts.quote(p.left)} ${p.operator}`);
        if (p.operator !== '=' || unwrap(p.left).type !== T.Identifier) return notFirst;
        break;
      case T.ConditionalExpression:
        if (p.test !== cur) return conditional(`${facts.quote(p.test)} ?`);
        break;
      case T.LogicalExpression:
        if (p.left !== cur) return conditional(`${facts.quote(p.left)} ${p.operator}`);
        break;
      case T.BinaryExpression:
        if (p.left !== cur) return notFirst;
        break;
      default:
        return notFirst;
    }
    cur = p;
  }
  return null;
}

/** Replaces an empty parameter list `()` (or `async ()`) with `(params)`. */
function paramsEdit(fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression, text: string, params: string): TextEdit {
  const open = text.indexOf('(', fn.type === T.FunctionExpression && fn.id ? fn.id.range[1] : fn.range[0]);
  const close = text.indexOf(')', open);
  return { range: [open, close + 1], newText: `(${params})` };
}

/** Adds `import { name } from '<helper>'` (or the require) for each helper not imported yet, in one edit. */
export function importEdit(program: TSESTree.Program, text: string, file: string, moduleKind: 'cjs' | 'esm', imports: { helperPath: string; name: string }[], style?: ModuleStyle): TextEdit {
  const specifierOf = (helperPath: string) => relativeImport(file, helperPath, importExtension(program, moduleKind, file, helperPath, style));
  const lines = imports
    .filter(({ helperPath, name }) => !isImported(program, text, specifierOf(helperPath), name))
    .map(({ helperPath, name }) => {
      const specifier = specifierOf(helperPath);
      return moduleKind === 'cjs' ? `const { ${name} } = require('${specifier}');` : `import { ${name} } from '${specifier}';`;
    });
  if (lines.length === 0) return { range: [0, 0], newText: '' };
  const anchor = lastImport(program);
  if (anchor) return { range: [anchor.range[1], anchor.range[1]], newText: `\n${lines.join('\n')}` };
  const shebang = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
  return { range: [shebang, shebang], newText: `${lines.join('\n')}\n` };
}

function isImported(program: TSESTree.Program, text: string, specifier: string, helper: string): boolean {
  return program.body.some((s) => {
    if (s.type === T.ImportDeclaration) {
      return (
        s.source.value.replace(/\.[cm]?js$/, '') === specifier.replace(/\.[cm]?js$/, '') &&
        s.specifiers.some((sp) => sp.type === T.ImportSpecifier && sp.local.name === helper)
      );
    }
    const code = text.slice(s.range[0], s.range[1]);
    return code.includes(`require('${specifier}')`) && code.includes(helper);
  });
}

/** The last top-level import or require (or directive) before other code. */
export function lastImport(program: TSESTree.Program): Node | null {
  let anchor: Node | null = null;
  for (const s of program.body) {
    const isImport = s.type === T.ImportDeclaration;
    const isRequire =
      s.type === T.VariableDeclaration &&
      s.declarations.some((d) => d.init?.type === T.CallExpression && d.init.callee.type === T.Identifier && d.init.callee.name === 'require');
    const isDirective = s.type === T.ExpressionStatement && Boolean(s.directive);
    if (isImport || isRequire || isDirective) anchor = s;
    else if (anchor || !isDirective) break;
  }
  return anchor;
}
