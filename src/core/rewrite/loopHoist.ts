// Strategy 'loop-hoist': an awaited OpenAI call (chat completions, responses, embeddings) or Anthropic messages call made
// once per item — in a `for…of` body, an index `for` body, or a `Promise.all(xs.map(async …))`
// callback — whose request depends only on the item, the index, values computed purely from them, and
// loop-invariant values becomes: every request built first, one run through the provider's batch helper, then
// the rest of the body over the results, in the original order. Any shape that cannot be shown to keep
// its meaning is refused, with the reason.
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../parse/parse';
import { indexParents, visit, Node } from '../parse/walk';
import { isFunctionLike, propertyName } from '../detect/resolve';
import type { CallSite, TextEdit } from '../model';

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
/** Methods that compute a value from their receiver and arguments without side effects. */
const PURE_METHODS = new Set([
  'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'slice', 'substring', 'split', 'join', 'replace', 'replaceAll',
  'padStart', 'padEnd', 'toString', 'toFixed', 'concat', 'includes', 'startsWith', 'endsWith', 'indexOf', 'at', 'charAt', 'repeat',
]);
const PURE_FUNCTIONS = new Set(['String', 'Number', 'Boolean', 'JSON.stringify']);

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

/** Names declared by a pattern (loop variables, parameters, declarations). */
function boundNames(pattern: Node): string[] {
  const names: string[] = [];
  const walk = (n: Node) => {
    switch (n.type) {
      case T.Identifier:
        names.push(n.name);
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
  return names;
}

/** Identifiers an expression reads (property keys and member names excluded). */
function readNames(expr: Node): Set<string> {
  const names = new Set<string>();
  visit(expr, (n, parent) => {
    if (n.type !== T.Identifier) return;
    if (parent?.type === T.MemberExpression && parent.property === n && !parent.computed) return;
    if (parent?.type === T.Property && parent.key === n && !parent.computed && !parent.shorthand) return;
    names.add(n.name);
  });
  return names;
}

/** No calls but to known-pure methods and functions, no assignment, no await, no `new`: safe to compute twice. */
function isPure(expr: Node, text: string): boolean {
  let pure = true;
  visit(expr, (n) => {
    if (!pure) return false;
    if (isFunctionLike(n) || n.type === T.AwaitExpression || n.type === T.NewExpression || n.type === T.AssignmentExpression || n.type === T.UpdateExpression || n.type === T.YieldExpression || n.type === T.TaggedTemplateExpression) {
      pure = false;
    } else if (n.type === T.CallExpression) {
      const callee = text.slice(n.callee.range[0], n.callee.range[1]);
      const method = n.callee.type === T.MemberExpression ? propertyName(n.callee.property, n.callee.computed) : null;
      if (!PURE_FUNCTIONS.has(callee) && !(method && PURE_METHODS.has(method) && n.callee.type === T.MemberExpression && callee !== 'JSON.parse')) pure = false;
    }
  });
  return pure;
}

export function isModuleCommonJs(file: string, program: TSESTree.Program, text: string): boolean {
  if (/\.cjs$|\.cts$/.test(file)) return true;
  if (/\.mjs$|\.mts$/.test(file)) return false;
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

/** ESM files that write './x.js' for their relative imports need the extension on ours too: the helper's own, as emitted. */
function importExtension(program: TSESTree.Program, moduleKind: 'cjs' | 'esm', file: string, helperPath: string): string | null {
  if (moduleKind === 'cjs') return null;
  const relative = program.body
    .filter((s): s is TSESTree.ImportDeclaration => s.type === T.ImportDeclaration)
    .map((s) => s.source.value)
    .filter((v) => v.startsWith('.'));
  if (!relative.some((v) => /\.[cm]?js$/.test(v)) && !/\.mjs$/.test(file)) return null;
  const ext = /\.([cm]?)[jt]s$/.exec(helperPath);
  return ext ? `.${ext[1]}js` : '.js';
}

interface Scan {
  control: string | null;
  llmCalls: number;
  assigned: Set<string>;
  declared: Set<string>;
}

/** What a loop body (or callback body) does that a second pass over the results could not keep. */
function scanBody(body: Node, text: string, isCallback: boolean): Scan {
  const scan: Scan = { control: null, llmCalls: 0, assigned: new Set(), declared: new Set() };
  const walk = (n: Node, insideFunction: boolean, insideInnerLoop: boolean) => {
    if (n.type === T.LabeledStatement) scan.control ??= 'a labelled statement';
    if (!insideFunction && !isCallback && n.type === T.ReturnStatement) scan.control ??= 'return';
    if (!insideFunction && n.type === T.YieldExpression) scan.control ??= 'yield';
    if (!insideFunction && !insideInnerLoop && (n.type === T.BreakStatement || n.type === T.ContinueStatement)) {
      scan.control ??= n.type === T.BreakStatement ? 'break' : 'continue';
    }
    if (n.type === T.CallExpression) {
      const callee = text.slice(n.callee.range[0], n.callee.range[1]).replace(/\s+/g, '');
      if (LLM_METHOD_CHAINS.some((re) => re.test(callee))) scan.llmCalls++;
    }
    if (n.type === T.AssignmentExpression) boundNames(n.left).forEach((name) => scan.assigned.add(name));
    if (n.type === T.UpdateExpression && n.argument.type === T.Identifier) scan.assigned.add(n.argument.name);
    if (n.type === T.VariableDeclarator) boundNames(n.id).forEach((name) => scan.declared.add(name));
    if (n.type === T.FunctionDeclaration && n.id) scan.declared.add(n.id.name);
    const fn = insideFunction || (n !== body && isFunctionLike(n));
    const inner =
      insideInnerLoop ||
      (n !== body && (n.type === T.ForStatement || n.type === T.ForOfStatement || n.type === T.ForInStatement || n.type === T.WhileStatement || n.type === T.DoWhileStatement || n.type === T.SwitchStatement));
    for (const key of Object.keys(n)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      const v = (n as unknown as Record<string, unknown>)[key];
      for (const k of Array.isArray(v) ? v : [v]) {
        if (k && typeof k === 'object' && typeof (k as Node).type === 'string') walk(k as Node, fn, inner);
      }
    }
  };
  walk(body, false, false);
  return scan;
}

/** How the call's result is taken: `const r = await call`, `await call;`, or `return [await] call` in a callback. */
type Use =
  | { kind: 'declare'; statement: TSESTree.VariableDeclaration; pattern: Node; declKind: string }
  | { kind: 'discard'; statement: TSESTree.ExpressionStatement }
  | { kind: 'return'; statement: TSESTree.ReturnStatement | null; expression: Node };

interface Loop {
  /** Where the hoisted statements go (the loop, or the statement holding Promise.all). */
  anchor: Node;
  /** The statements the call sits among, and the call's statement index there (prelude = before it). */
  body: TSESTree.Statement[];
  /** Params of the per-item function for the map that builds requests, as source text. */
  mapParams: string;
  /** Names bound per item (loop variable, callback params, index). */
  itemNames: Set<string>;
  /** The whole body, for the control-flow scan. */
  scope: Node;
  isCallback: boolean;
  /** Builds the edits that turn the loop into a second pass over `results`, given the index variable name. */
  rewrite(items: string, results: string, index: string): { hoisted: string; edits: TextEdit[]; indexName: string };
}

/** What both strategies need first: a batchable endpoint, a parsed file, the call written as client.<chain>.create(request). */
export interface CallUnderFix {
  endpoint: (typeof ENDPOINTS)[number];
  parsed: { ast: TSESTree.Program; text: string };
  parents: Map<Node, Node>;
  call: TSESTree.CallExpression;
  client: Node;
  request: Node;
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
  return { endpoint, parsed, parents: indexParents(parsed.ast), call, client, request: call.arguments[0] };
}

export function checkLoopHoist(file: string, text: string, site: CallSite, helperPath: string, ast?: TSESTree.Program): HoistCheck {
  const target = callUnderFix(file, text, site, ast);
  if ('ok' in target) return target;
  const { endpoint, parsed, parents, call, client, request } = target;
  const helperKind: HelperKind = endpoint.provider;
  helperPath = helperPathFor(helperKind, helperPath);
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);

  const use = resultUse(call, parents);
  if (typeof use === 'string') return refuse(use);
  const loop = enclosingLoop(use, parents, parsed.text, parsed.ast);
  if (typeof loop === 'string') return refuse(loop);

  // The hoisted batch run is awaited where the loop stands: that needs an async function, or ESM's top level.
  const holder = (() => {
    for (let p = parents.get(loop.anchor); p; p = parents.get(p)) if (isFunctionLike(p)) return p;
    return null;
  })();
  if (holder && !(holder as TSESTree.FunctionLike).async) {
    return refuse('the loop is in a function that is not async, so the batch cannot be awaited there; make the function async first');
  }
  if (!holder && isModuleCommonJs(file, parsed.ast, text)) return refuse('the loop is at the top level of a CommonJS module, where the batch cannot be awaited');
  if (!holder && !/\.m[jt]s$/.test(file)) return refuse('the loop is at the top level of the module; top-level await needs an ES module (.mjs/.mts), so move it into an async function first');

  const scan = scanBody(loop.scope, parsed.text, loop.isCallback);
  if (scan.control) return refuse(`the loop body uses ${scan.control}, which a batch (all requests first) cannot keep`);
  if (scan.llmCalls > 1) return refuse('the loop body makes more than one LLM call; the later calls may depend on earlier answers');

  // Values the request reads: per-item names, pure values computed from them before the call, or invariants.
  const statement = use.kind === 'return' ? use.statement : use.statement;
  const position = statement ? loop.body.indexOf(statement as TSESTree.Statement) : loop.body.length;
  const prelude = new Map<string, TSESTree.VariableDeclaration>();
  for (const s of loop.body.slice(0, Math.max(0, position))) {
    if (s.type !== T.VariableDeclaration || s.kind !== 'const') continue;
    if (s.declarations.every((d) => d.init && isPure(d.init, parsed.text))) {
      for (const d of s.declarations) boundNames(d.id).forEach((name) => prelude.set(name, s));
    }
  }
  const needed: TSESTree.VariableDeclaration[] = [];
  const allowed = new Set(loop.itemNames);
  const check = (names: Set<string>): string | null => {
    for (const name of names) {
      if (allowed.has(name)) continue;
      const decl = prelude.get(name);
      if (decl) {
        for (const d of decl.declarations) {
          const inner = check(readNames(d.init!));
          if (inner) return inner;
        }
        if (!needed.includes(decl)) needed.push(decl);
        decl.declarations.flatMap((d) => boundNames(d.id)).forEach((n) => allowed.add(n));
        continue;
      }
      if (scan.declared.has(name)) return `the request uses \`${name}\`, which is computed inside the loop; only the loop item and values from outside the loop can be batched`;
      if (scan.assigned.has(name)) return `the request uses \`${name}\`, which changes inside the loop`;
    }
    return null;
  };
  const problem = check(readNames(request));
  if (problem) return refuse(problem);
  for (const name of readNames(client)) {
    if (scan.declared.has(name) || scan.assigned.has(name)) return refuse('the client is created or changed inside the loop');
  }
  for (const name of loop.itemNames) {
    if (scan.assigned.has(name)) return refuse(`the loop variable \`${name}\` is reassigned inside the loop`);
  }

  const typescript = /\.[cm]?tsx?$/.test(file);
  const moduleKind = isModuleCommonJs(file, parsed.ast, text) ? 'cjs' : 'esm';
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
  const results = fresh('batchwiseResults');
  const { hoisted, edits, indexName } = loop.rewrite(items, results, fresh('batchwiseIndex'));

  // The request (and the pure values it needs) move out of the body: shallower by the body's indent.
  const shift = indentOf(statement ?? call).length - anchorIndent.length;
  const dedent = (t: string) =>
    t
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.replace(new RegExp(`^[ \\t]{0,${Math.max(0, shift)}}`), '')))
      .join('\n');
  const requestText = dedent(src(request));
  const mapBody = needed.length
    ? `{\n${needed
        .sort((a, b) => a.range[0] - b.range[0])
        .map((d) => `${anchorIndent}  ${dedent(src(d)).replace(/\n/g, '\n  ')}`)
        .join('\n')}\n${anchorIndent}  return ${requestText.replace(/\n/g, '\n  ')};\n${anchorIndent}}`
    : request.type === T.ObjectExpression
      ? `(${requestText})`
      : requestText;
  const run = `await ${endpoint.helper}(${src(client)}, ${items}.map((${loop.mapParams}) => ${mapBody}))`;
  edits.push({ range: [loop.anchor.range[0], loop.anchor.range[0]], newText: hoisted.replace('$RUN', run) + anchorIndent });

  // `get` throws the error of a request that failed, where the call would have thrown it.
  const resultAccess = `${results}.get(${indexName})`;
  if (use.kind === 'declare') {
    edits.push({ range: [use.statement.range[0], use.statement.range[1]], newText: `${use.declKind} ${src(use.pattern)} = ${resultAccess};` });
  } else if (use.kind === 'discard') {
    const start = parsed.text.lastIndexOf('\n', use.statement.range[0] - 1);
    edits.push({ range: [start, use.statement.range[1]], newText: '' });
  } else {
    edits.push({ range: [use.expression.range[0], use.expression.range[1]], newText: resultAccess });
  }
  edits.push(importEdit(parsed.ast, parsed.text, file, moduleKind, [{ helperPath, name: endpoint.helper }]));
  return { ok: true, plan: { edits, moduleKind, typescript, helperKind, helperPath } };
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

function resultUse(call: TSESTree.CallExpression, parents: Map<Node, Node>): Use | string {
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

function enclosingLoop(use: Use, parents: Map<Node, Node>, text: string, program: TSESTree.Program): Loop | string {
  const src = (n: Node) => text.slice(n.range[0], n.range[1]);
  // A concise arrow body (`async (x) => client.….create(…)`) is its own callback.
  const start: Node = use.kind === 'return' && use.statement === null ? use.expression : (use.statement as Node);
  const container = parents.get(start);

  // for (const x of xs) { … }
  if (container?.type === T.BlockStatement) {
    const owner = parents.get(container);
    if (owner?.type === T.ForOfStatement && owner.body === container && use.kind !== 'return') {
      if (owner.await) return 'for await loops consume their items one at a time; the items are not known up front';
      if (owner.left.type !== T.VariableDeclaration || owner.left.declarations.length !== 1) return 'the loop assigns to an existing variable instead of declaring one';
      const left = owner.left;
      const pattern = left.declarations[0].id;
      return {
        anchor: owner,
        body: container.body,
        mapParams: src(pattern),
        itemNames: new Set(boundNames(pattern)),
        scope: container,
        isCallback: false,
        rewrite: (items, _results, index) => ({
          hoisted: `const ${items} = Array.from(${src(owner.right)});\n${indentLike(owner, text)}const ${_results} = $RUN;\n`,
          edits: [{ range: [left.range[0], owner.right.range[1]], newText: `${left.kind} [${index}, ${src(pattern)}] of ${items}.entries()` }],
          indexName: index,
        }),
      };
    }
    // for (let i = 0; i < xs.length; i++) { … }
    if (owner?.type === T.ForStatement && owner.body === container && use.kind !== 'return') {
      const bound = indexLoop(owner, text);
      if (typeof bound === 'string') return bound;
      return {
        anchor: owner,
        body: container.body,
        mapParams: `_, ${bound.index}`,
        itemNames: new Set([bound.index]),
        scope: container,
        isCallback: false,
        rewrite: (items, results) => ({
          hoisted: `const ${items} = Array.from({ length: ${bound.length} });\n${indentLike(owner, text)}const ${results} = $RUN;\n`,
          edits: [],
          indexName: bound.index,
        }),
      };
    }
    if (owner && isFunctionLike(owner) && owner.body === container) {
      const cb = mapCallback(owner, parents, text, program);
      if (typeof cb === 'string') return cb;
      return { ...cb, body: container.body, scope: container };
    }
    return NOT_PER_ITEM;
  }
  if (container?.type === T.ArrowFunctionExpression && container.body === start) {
    const cb = mapCallback(container, parents, text, program);
    if (typeof cb === 'string') return cb;
    return { ...cb, body: [], scope: container.body };
  }
  return NOT_PER_ITEM;
}

export const NOT_PER_ITEM =
  'the call is not made once per item: it is not a statement directly inside a for…of loop, an index for loop, or a Promise.all(xs.map(…)), p-map, p-limit or forEach callback';

export function indentLike(n: Node, text: string): string {
  const lineStart = text.lastIndexOf('\n', n.range[0] - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** `for (let i = 0; i < xs.length; i++)` (or `i < n` with an invariant n), counting up by one. */
function indexLoop(loop: TSESTree.ForStatement, text: string): { index: string; length: string } | string {
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
  return { index: i, length: text.slice(bound.range[0], bound.range[1]) };
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

/**
 * A callback that runs once per item of a collection known up front:
 * `Promise.all(xs.map(async (x, i) => { … }))` (Promise.all keeps the order),
 * `await pMap(xs, async (x, i) => { … }, options)`,
 * `Promise.all(xs.map((x) => limit(async () => { … })))` with a p-limit limiter,
 * and `xs.forEach(async (x, i) => { … })` as the last statement of an async function.
 */
function mapCallback(fn: Node, parents: Map<Node, Node>, text: string, program: TSESTree.Program): Omit<Loop, 'body' | 'scope'> | string {
  const src = (n: Node) => text.slice(n.range[0], n.range[1]);
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
    return mapCallback(perItem, parents, text, program);
  }

  const method = outerCall.callee.type === T.MemberExpression ? propertyName(outerCall.callee.property, outerCall.callee.computed) : null;
  const isPMap = outerCall.callee.type === T.Identifier && importsDefault(program, outerCall.callee.name, 'p-map');
  if (isPMap ? outerCall.arguments[1] !== fn || outerCall.arguments.length > 3 : outerCall.arguments[0] !== fn || outerCall.arguments.length !== 1) return NOT_PER_ITEM;
  if (!isPMap && method !== 'map' && method !== 'forEach') return NOT_PER_ITEM;
  const receiver = isPMap ? outerCall.arguments[0] : (outerCall.callee as TSESTree.MemberExpression).object;
  if (receiver.type === T.SpreadElement) return NOT_PER_ITEM;

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
  if (!container || (container.type !== T.BlockStatement && container.type !== T.Program)) return 'the fan-out is not a statement of its own block';
  if (method === 'forEach') {
    // forEach does not wait for async callbacks: the code after it runs before their results. Waiting for the
    // batch first is only the same program when nothing follows in an async function (its callers already
    // cannot rely on the callbacks having finished).
    const owner = container.type === T.Program ? null : parents.get(container);
    if (anchor.type !== T.ExpressionStatement || (anchor as TSESTree.ExpressionStatement).expression !== fanOut) return 'the forEach result is used; forEach returns nothing';
    if (!owner || !isFunctionLike(owner) || !(owner as TSESTree.FunctionLike).async || (owner as TSESTree.FunctionLike).body !== container) {
      return 'xs.forEach(async …) does not wait for its callbacks; it can be batched only as the last statement of an async function, where the batch can be awaited';
    }
    const body = (container as TSESTree.BlockStatement).body;
    if (body[body.length - 1] !== anchor) {
      return 'xs.forEach(async …) does not wait for its callbacks, so the statements after it run before the answers arrive; batching would change that order';
    }
  }
  const names = new Set(fn.params.flatMap((p) => boundNames(p)));
  return {
    anchor,
    mapParams: fn.params.map((p) => src(p)).join(', ') || '_',
    itemNames: names,
    isCallback: true,
    rewrite: (items, results, index) => {
      const existing = fn.params[1]?.type === T.Identifier ? fn.params[1].name : null;
      const indexName = existing ?? index;
      const edits: TextEdit[] = [{ range: [receiver.range[0], receiver.range[1]], newText: items }];
      if (!existing) {
        const first = fn.params[0];
        if (first) edits.push({ range: [first.range[1], first.range[1]], newText: `, ${indexName}` });
        else edits.push(paramsEdit(fn, text, `_, ${indexName}`));
      }
      // p-map also takes async iterables, which Array.from would silently turn into []; spreading one throws.
      const all = isPMap ? `[...${src(receiver)}]` : `Array.from(${src(receiver)})`;
      return {
        hoisted: `const ${items} = ${all};\n${indentLike(anchor, text)}const ${results} = $RUN;\n`,
        edits,
        indexName,
      };
    },
  };
}

/** Replaces an empty parameter list `()` (or `async ()`) with `(params)`. */
function paramsEdit(fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression, text: string, params: string): TextEdit {
  const open = text.indexOf('(', fn.type === T.FunctionExpression && fn.id ? fn.id.range[1] : fn.range[0]);
  const close = text.indexOf(')', open);
  return { range: [open, close + 1], newText: `(${params})` };
}

/** Adds `import { name } from '<helper>'` (or the require) for each helper not imported yet, in one edit. */
export function importEdit(program: TSESTree.Program, text: string, file: string, moduleKind: 'cjs' | 'esm', imports: { helperPath: string; name: string }[]): TextEdit {
  const lines = imports
    .filter(({ helperPath, name }) => !isImported(program, text, relativeImport(file, helperPath, importExtension(program, moduleKind, file, helperPath)), name))
    .map(({ helperPath, name }) => {
      const specifier = relativeImport(file, helperPath, importExtension(program, moduleKind, file, helperPath));
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
