// Strategy 'openai-loop-hoist': an awaited OpenAI chat-completions call in a `for…of` body whose request
// depends only on the loop item and loop-invariant values becomes: every request built first, one run
// through the Batch API helper, then the rest of the body over the results, in the original order.
// Any shape that cannot be shown to keep its meaning is refused, with the reason.
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../parse/parse';
import { indexParents, visit, Node } from '../parse/walk';
import { isFunctionLike, propertyName } from '../detect/resolve';
import type { CallSite, TextEdit } from '../model';

export const LOOP_HOIST = 'openai-loop-hoist';
export const HELPER_EXPORT = 'runChatCompletionsBatch';

export interface HoistPlan {
  edits: TextEdit[];
  /** Whether the file is CommonJS (require) or an ES module (import). */
  moduleKind: 'cjs' | 'esm';
  typescript: boolean;
}

export type HoistCheck = { ok: true; plan: HoistPlan } | { ok: false; reason: string };

const LLM_METHOD_CHAINS = [/\.completions\.(create|stream|parse)$/, /\.messages\.(create|stream)$/, /\.responses\.(create|stream)$/, /\.embeddings\.create$/];

function refuse(reason: string): HoistCheck {
  return { ok: false, reason };
}

function findCall(ast: Node, range: [number, number]): TSESTree.CallExpression | null {
  let found: TSESTree.CallExpression | null = null;
  visit(ast, (node) => {
    if (found) return false;
    if (node.range[1] < range[0] || node.range[0] > range[1]) return false;
    if (node.type === T.CallExpression && node.range[0] === range[0] && node.range[1] === range[1]) found = node;
  });
  return found;
}

/** Names declared by a pattern (loop variables, declarations in the body). */
function boundNames(pattern: Node): string[] {
  const names: string[] = [];
  visit(pattern, (n, parent) => {
    if (n.type === T.Identifier && !(parent?.type === T.Property && parent.key === n && !parent.shorthand && parent.value !== n)) {
      if (!(parent?.type === T.AssignmentPattern && parent.right === n)) names.push(n.name);
    }
    if (n.type === T.AssignmentPattern) {
      visit(n.left, (m) => {
        if (m.type === T.Identifier) names.push(m.name);
      });
      return false;
    }
  });
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

function isModuleCommonJs(file: string, program: TSESTree.Program, text: string): boolean {
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

/** ESM files that write './x.js' for their relative imports need the extension on ours too. */
function importExtension(program: TSESTree.Program, moduleKind: 'cjs' | 'esm', file: string): string | null {
  if (moduleKind === 'cjs') return null;
  const relative = program.body
    .filter((s): s is TSESTree.ImportDeclaration => s.type === T.ImportDeclaration)
    .map((s) => s.source.value)
    .filter((v) => v.startsWith('.'));
  if (relative.some((v) => /\.[cm]?js$/.test(v))) return '.js';
  if (/\.mjs$/.test(file)) return '.mjs';
  return null;
}

export function checkLoopHoist(file: string, text: string, site: CallSite, helperPath: string, ast?: TSESTree.Program): HoistCheck {
  if (site.provider !== 'openai' || site.api !== 'chat.completions') {
    return refuse(`no batch rewrite for ${site.provider} ${site.api} calls yet; only OpenAI chat.completions in a for…of loop`);
  }
  if (site.streaming) return refuse('the call streams its response, and batch results do not stream');
  // The analysis already parsed this text; parse again only when called on its own.
  const parsed = ast ? { ok: true as const, ast, text } : parseSource(file, text);
  if (!parsed.ok) return refuse(`the file does not parse (${parsed.message})`);
  const parents = indexParents(parsed.ast);
  const call = findCall(parsed.ast, site.range);
  if (!call) return refuse('the call is no longer where it was analysed; analyse the file again');
  const callee = call.callee;
  if (callee.type !== T.MemberExpression || propertyName(callee.property, callee.computed) !== 'create') {
    return refuse('the call is not written as client.chat.completions.create(...)');
  }
  const completions = callee.object;
  const chat = completions.type === T.MemberExpression ? completions.object : null;
  if (
    completions.type !== T.MemberExpression ||
    propertyName(completions.property, completions.computed) !== 'completions' ||
    !chat ||
    chat.type !== T.MemberExpression ||
    propertyName(chat.property, chat.computed) !== 'chat'
  ) {
    return refuse('the client is reached through an alias; write the call as client.chat.completions.create(...) to get a fix');
  }
  const client = chat.object;
  if (call.arguments.length !== 1 || call.arguments[0].type === T.SpreadElement) {
    return refuse('the call passes request options or spreads its arguments; only a single request argument can be batched');
  }
  const request = call.arguments[0];

  const awaited = parents.get(call);
  if (awaited?.type !== T.AwaitExpression) return refuse('the call is not awaited where it is made, so its result may be used in ways a batch cannot keep');
  const holder = parents.get(awaited);
  let statement: Node | undefined;
  let resultName: TSESTree.Identifier | TSESTree.ObjectPattern | TSESTree.ArrayPattern | null = null;
  let declarationKind: string | null = null;
  if (holder?.type === T.ExpressionStatement) statement = holder;
  else if (holder?.type === T.VariableDeclarator && holder.init === awaited) {
    const decl = parents.get(holder);
    if (decl?.type !== T.VariableDeclaration || decl.declarations.length !== 1) return refuse('the result is declared together with other variables');
    statement = decl;
    resultName = holder.id as TSESTree.Identifier | TSESTree.ObjectPattern | TSESTree.ArrayPattern;
    declarationKind = decl.kind;
  } else {
    return refuse('the result is used inside a larger expression; assign it to a variable first (const res = await …)');
  }
  const body = parents.get(statement!);
  const loop = body ? parents.get(body) : undefined;
  if (body?.type !== T.BlockStatement || loop?.type !== T.ForOfStatement || loop.body !== body) {
    return refuse('the call is not a statement directly inside a for…of loop body');
  }
  if (loop.await) return refuse('for await loops consume their items one at a time; the items are not known up front');
  if (loop.left.type !== T.VariableDeclaration || loop.left.declarations.length !== 1) {
    return refuse('the loop assigns to an existing variable instead of declaring one');
  }
  const loopPattern = loop.left.declarations[0].id;
  const loopNames = new Set(boundNames(loopPattern));

  // Control flow that a second pass over the results could not keep.
  let control: string | null = null;
  let llmCalls = 0;
  const assigned = new Set<string>();
  const declaredInBody = new Set<string>();
  const visitBody = (n: Node, insideFunction: boolean, insideInnerLoop: boolean) => {
    if (n.type === T.LabeledStatement) control ??= 'a labelled statement';
    if (!insideFunction && (n.type === T.ReturnStatement || n.type === T.YieldExpression)) control ??= n.type === T.ReturnStatement ? 'return' : 'yield';
    if (!insideFunction && !insideInnerLoop && (n.type === T.BreakStatement || n.type === T.ContinueStatement)) {
      control ??= n.type === T.BreakStatement ? 'break' : 'continue';
    }
    if (n.type === T.CallExpression) {
      const text2 = parsed.text.slice(n.callee.range[0], n.callee.range[1]).replace(/\s+/g, '');
      if (LLM_METHOD_CHAINS.some((re) => re.test(text2))) llmCalls++;
    }
    if (n.type === T.AssignmentExpression) visit(n.left, (m) => void (m.type === T.Identifier && assigned.add(m.name)));
    if (n.type === T.UpdateExpression && n.argument.type === T.Identifier) assigned.add(n.argument.name);
    if (n.type === T.VariableDeclarator) boundNames(n.id).forEach((name) => declaredInBody.add(name));
    if (n.type === T.FunctionDeclaration && n.id) declaredInBody.add(n.id.name);
    const fn = insideFunction || isFunctionLike(n);
    const inner = insideInnerLoop || n.type === T.ForStatement || n.type === T.ForOfStatement || n.type === T.ForInStatement || n.type === T.WhileStatement || n.type === T.DoWhileStatement || n.type === T.SwitchStatement;
    for (const key of Object.keys(n)) {
      if (key === 'parent') continue;
      const v = (n as unknown as Record<string, unknown>)[key];
      const kids = Array.isArray(v) ? v : [v];
      for (const k of kids) if (k && typeof k === 'object' && typeof (k as Node).type === 'string' && key !== 'loc' && key !== 'range') visitBody(k as Node, fn, inner && n !== body);
    }
  };
  visitBody(body, false, false);
  if (control) return refuse(`the loop body uses ${control}, which a batch (all requests first) cannot keep`);
  if (llmCalls > 1) return refuse('the loop body makes more than one LLM call; the later calls may depend on earlier answers');

  const reads = readNames(request);
  for (const name of reads) {
    if (loopNames.has(name)) continue;
    if (declaredInBody.has(name)) return refuse(`the request uses \`${name}\`, which is computed inside the loop; only the loop item and values from outside the loop can be batched`);
    if (assigned.has(name)) return refuse(`the request uses \`${name}\`, which changes inside the loop`);
  }
  for (const name of readNames(client)) {
    if (declaredInBody.has(name) || assigned.has(name)) return refuse('the client is created or changed inside the loop');
  }
  for (const name of loopNames) {
    if (assigned.has(name)) return refuse(`the loop variable \`${name}\` is reassigned inside the loop`);
  }

  const typescript = /\.[cm]?tsx?$/.test(file);
  const moduleKind = isModuleCommonJs(file, parsed.ast, text) ? 'cjs' : 'esm';
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);
  const indentOf = (n: Node) => {
    const lineStart = parsed.text.lastIndexOf('\n', n.range[0] - 1) + 1;
    return /^[ \t]*/.exec(parsed.text.slice(lineStart))![0];
  };
  const loopIndent = indentOf(loop);
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
  const index = fresh('batchwiseIndex');
  const pattern = src(loopPattern);
  // The request moves out of the loop body: one indentation level shallower.
  const shift = indentOf(statement!).length - loopIndent.length;
  const requestText = src(request)
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.replace(new RegExp(`^[ \\t]{0,${Math.max(0, shift)}}`), '')))
    .join('\n');
  const mapBody = request.type === T.ObjectExpression ? `(${requestText})` : requestText;
  const hoisted =
    `const ${items} = Array.from(${src(loop.right)});\n` +
    `${loopIndent}const ${results} = await ${HELPER_EXPORT}(${src(client)}, ${items}.map((${pattern}) => ${mapBody}));\n` +
    loopIndent;
  const edits: TextEdit[] = [
    { range: [loop.range[0], loop.range[0]], newText: hoisted },
    { range: [loop.left.range[0], loop.right.range[1]], newText: `${loop.left.kind} [${index}, ${pattern}] of ${items}.entries()` },
  ];
  const resultAccess = `${results}[${index}]${typescript ? '!' : ''}`;
  if (resultName) {
    edits.push({ range: [statement!.range[0], statement!.range[1]], newText: `${declarationKind} ${src(resultName)} = ${resultAccess};` });
  } else {
    // The result was not used: the statement goes, with its line.
    const start = parsed.text.lastIndexOf('\n', statement!.range[0] - 1);
    edits.push({ range: [start, statement!.range[1]], newText: '' });
  }
  edits.push(importEdit(parsed.ast, parsed.text, file, helperPath, moduleKind));
  return { ok: true, plan: { edits, moduleKind, typescript } };
}

function importEdit(program: TSESTree.Program, text: string, file: string, helperPath: string, moduleKind: 'cjs' | 'esm'): TextEdit {
  const specifier = relativeImport(file, helperPath, importExtension(program, moduleKind, file));
  const line =
    moduleKind === 'cjs'
      ? `const { ${HELPER_EXPORT} } = require('${specifier}');`
      : `import { ${HELPER_EXPORT} } from '${specifier}';`;
  const alreadyThere = program.body.some((s) => {
    if (s.type === T.ImportDeclaration) {
      return s.source.value.replace(/\.[cm]?js$/, '') === specifier.replace(/\.[cm]?js$/, '') &&
        s.specifiers.some((sp) => sp.type === T.ImportSpecifier && sp.local.name === HELPER_EXPORT);
    }
    return text.slice(s.range[0], s.range[1]).includes(`require('${specifier}')`) && text.slice(s.range[0], s.range[1]).includes(HELPER_EXPORT);
  });
  if (alreadyThere) return { range: [0, 0], newText: '' };
  // After the last top-level import or require; otherwise after directives and a shebang.
  let anchor: Node | null = null;
  for (const s of program.body) {
    const isImport = s.type === T.ImportDeclaration;
    const isRequire = s.type === T.VariableDeclaration && s.declarations.some((d) => d.init?.type === T.CallExpression && d.init.callee.type === T.Identifier && d.init.callee.name === 'require');
    const isDirective = s.type === T.ExpressionStatement && Boolean(s.directive);
    if (isImport || isRequire || isDirective) anchor = s;
    else if (anchor || !isDirective) break;
  }
  if (anchor) return { range: [anchor.range[1], anchor.range[1]], newText: `\n${line}` };
  const shebang = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
  return { range: [shebang, shebang], newText: `${line}\n` };
}
