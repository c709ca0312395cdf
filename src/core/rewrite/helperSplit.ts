// A call made in a small helper of this file (`async function translate(text, lang) { const r = await
// client.….create({ … }); return r.choices[0].message.content }`) that a loop awaits once per item: the
// loop hoist applies at the caller's loop. The helper is split into the function that builds its
// request and the one that reads its answer; an exported helper stays, composed of the two, for the
// modules importing it. What the caller's loop may do is the direct loop hoist's business.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import { FunctionLike, isFunctionLike, within } from '../syntax/nodes';
import type { TextEdit } from '../model';
import type { FileFacts } from './effects';
import { enclosingLoop, indentLike, Loop, NOT_PER_ITEM, patternIds, ResultUse, resultUse } from './loopShape';

/**
 * The SDK types the split helper's halves are declared with, by the batch runner that takes the call's
 * endpoint: a request built apart from its call loses the call's contextual type (`role: 'user'` becomes
 * a string). TypeScript names them through the file's default import; JavaScript through JSDoc, by the
 * client class the package exports under `client`.
 */
const SPLIT_TYPES: Record<string, { sdk: string; client: string; request: string; answer: string }> = {
  runChatCompletionsBatch: { sdk: 'openai', client: 'OpenAI', request: 'Chat.ChatCompletionCreateParamsNonStreaming', answer: 'Chat.ChatCompletion' },
  runResponsesBatch: { sdk: 'openai', client: 'OpenAI', request: 'Responses.ResponseCreateParamsNonStreaming', answer: 'Responses.Response' },
  runEmbeddingsBatch: { sdk: 'openai', client: 'OpenAI', request: 'EmbeddingCreateParams', answer: 'CreateEmbeddingResponse' },
  runCompletionsBatch: { sdk: 'openai', client: 'OpenAI', request: 'CompletionCreateParamsNonStreaming', answer: 'Completion' },
  runModerationsBatch: { sdk: 'openai', client: 'OpenAI', request: 'ModerationCreateParams', answer: 'ModerationCreateResponse' },
  runMessagesBatch: { sdk: '@anthropic-ai/sdk', client: 'Anthropic', request: 'MessageCreateParamsNonStreaming', answer: 'Message' },
};

export interface HelperSplit {
  /** The helper's name. */
  name: string;
  /** Where the call is and which loop awaits it: the start of a refusal at the caller's loop. */
  inLoop: string;
  /** The helper's one call in this file, awaited once per item of `loop`. */
  callerCall: TSESTree.CallExpression;
  callerUse: ResultUse;
  loop: Loop;
  /** The helper: its request and the pure values it needs are what the batch builds, from the caller's arguments. */
  fn: FunctionLike;
  /** The helper's request and its pure prelude's initialisers. */
  requestRoots: Node[];
  /**
   * The edits that split the helper, and the text of the request built from the caller's arguments and of
   * the answer read from a result, given fresh names for the two functions.
   */
  split(names: { request: string; answer: string }, src: (n: Node) => string): { edits: TextEdit[]; request: string; answer: (result: string) => string };
}

/**
 * The helper split for a call whose own function is not a loop's body, or why there is none (naming the
 * caller's loop and what blocks it), or null when the call's function is not a helper a loop of this
 * file awaits: then the call's own place says why there is no fix.
 */
export function helperSplit(
  call: TSESTree.CallExpression,
  use: ResultUse,
  client: Node,
  request: Node,
  runner: string,
  /** The call goes through the AI SDK or LangChain bridge, which the split does not cover. */
  bridged: boolean,
  typescript: boolean,
  facts: FileFacts,
  program: TSESTree.Program,
): HelperSplit | string | null {
  const fn = facts.functionOf(call);
  if (!fn || !fn.async) return null;
  const named = helperName(fn, facts);
  if (!named) return null;
  const b = facts.bindingOf(named);
  if (!b) return null;
  const refs = facts.referencesOf(b).filter((r) => r !== named);
  // Only a helper a loop of this file calls is this strategy's: any other place of the call keeps its own reason.
  const looped = refs.filter((r) => loopAround(r, facts));
  if (looped.length === 0) return null;
  const name = named.name;
  const where = (r: Node) => `line ${facts.line(r)}: \`${facts.quote(facts.parents.get(r) ?? r)}\``;
  if (refs.length > 1) {
    return `the call is in \`${name}\`, which a loop calls (${where(looped[0])}), but \`${name}\` is used ${refs.length} times in this file (${refs.map((r) => `line ${facts.line(r)}`).join(', ')}); Batchwise moves a helper's calls to a batch at its caller's loop only when that loop is its one caller in the file; call it from that loop alone to get a fix`;
  }
  const ref = refs[0];
  const u = facts.useOf(ref);
  const callerCall = facts.parents.get(ref);
  if (u.kind !== 'call' || callerCall?.type !== T.CallExpression || callerCall.callee !== ref) {
    return `the call is in \`${name}\`, which the loop hands on as a value (${where(ref)}) rather than calling it, so Batchwise cannot tell that it runs once per item; call it there (await ${name}(…)) to get a fix`;
  }
  const loopNode = loopAround(ref, facts)!;
  const inLoop = `the call is in \`${name}\`, which ${loopName(loopNode, facts)} calls on each pass (line ${facts.line(ref)})`;
  // The caller's loop first: what blocks it there, the helper cannot mend.
  const callerUse = resultUse(callerCall, facts.parents);
  if (typeof callerUse === 'string') return `${inLoop}; there ${callerUse.replace(/^the call\b/, () => `the call of \`${name}\``)}`;
  const loop = enclosingLoop(callerUse, facts, program);
  if (typeof loop === 'string') return `${inLoop}; ${loop === NOT_PER_ITEM ? notPerItem(loopNode, callerCall, facts) : loop}`;
  if (bridged) return `${inLoop}; Batchwise splits a helper only around a call of a provider's own SDK (OpenAI, Anthropic, Gemini, Mistral), not an AI SDK or LangChain call, yet; make the call in the loop itself to get a fix`;
  const shape = helperShape(fn, use, client, request, facts);
  if (typeof shape === 'string') return `${inLoop}; ${shape}`;
  const types = SPLIT_TYPES[runner] as (typeof SPLIT_TYPES)[string] | undefined;
  const sdkName = types && typescript ? sdkDefaultImport(program, types.sdk) : null;
  if (typescript && (!types || !sdkName)) {
    return `${inLoop}; in TypeScript the split helper's request and answer are declared with the SDK's types, which Batchwise names through the file's default import of ${types ? `\`${types.sdk}\`` : 'the SDK (for OpenAI and Anthropic calls only, yet)'}; import it (import OpenAI from 'openai') to get a fix`;
  }
  // The batch before the loop builds its requests with the helper's request function and sends them with its client: both must be seen there.
  if (!within(loop.anchor, b.scope)) return `${inLoop}; \`${name}\` is declared inside the loop, so the batch before the loop could not build its requests with it; declare it outside the loop to get a fix`;
  const clientScope = facts.bindingOf(client)?.scope;
  if (clientScope && !within(loop.anchor, clientScope)) return `${inLoop}; its client \`${facts.quote(client)}\` is not in scope where the loop starts, so the batch could not be sent with it there; make the client where both can see it to get a fix`;
  const shadow = shadowing(client as TSESTree.Identifier, loop.anchor, facts);
  if (shadow) return `${inLoop}; there \`${shadow.name}\` names another variable (line ${facts.line(shadow)}) than the client the helper calls, so the batch could not be sent with it from the loop; rename one of them to get a fix`;
  if (callerCall.arguments.some((a) => a.type === T.SpreadElement)) {
    return `${inLoop}, spreading its arguments (\`${facts.quote(callerCall)}\`), so Batchwise cannot tell which argument is which parameter; pass them one by one to get a fix`;
  }

  return {
    name,
    inLoop,
    callerCall,
    callerUse,
    loop,
    fn,
    requestRoots: [request, ...shape.prelude.flatMap((d) => d.declarations.map((x) => x.init!))],
    split: (names: { request: string; answer: string }, src: (n: Node) => string) => {
      // The helper becomes its two halves in place, so that its comments stay where they were: its head
      // that of the request's function, the call's statement the request's return, and what follows the
      // call the answer's function.
      const text = facts.text;
      const body = fn.body as TSESTree.BlockStatement;
      const statement = shape.statement;
      const indent = indentLike(statement, text);
      const bodyIndent = indentLike(body.body[0], text);
      const sdk = types && sdkName ? { request: `: ${sdkName}.${types.request}`, answer: `: ${sdkName}.${types.answer}` } : { request: '', answer: '' };
      const jsdoc = types && !typescript ? `/** @returns {import('${types.sdk}').${types.client}.${types.request}} */\n${indent}` : '';
      const args = fn.params.map((p) => (p as TSESTree.Identifier).name).join(', ');
      const sent = `await ${src(call.callee)}(${names.request}(${args}))`;
      // Exported, the helper stays, composed of its halves, for the modules importing it; else the loop
      // was its one caller and it goes (kept, it would be a name nothing reads).
      const tail = text.slice(body.range[1], statement.range[1]);
      const kept = b.exported
        ? `${text.slice(statement.range[0], body.range[0])}{\n${bodyIndent}return ${shape.answer ? `${names.answer}(${sent})` : sent};\n${indent}}${tail}\n\n${indent}`
        : '';
      let answerHead = '';
      if (shape.answer) {
        const pattern = shape.answer.pattern;
        const typed = 'typeAnnotation' in pattern && pattern.typeAnnotation ? src(pattern) : `${src(pattern)}${sdk.answer}`;
        answerHead = `\n${indent}}\n\n${indent}function ${names.answer}(${typed}) {`;
      }
      // A comment inside the call's head (`openai.// …⏎chat.completions.create(`) is kept after `return`: a
      // line comment there would end the return's line (a bare `return`), so the request goes in parentheses.
      const wrap = /\/[/*]/.test(text.slice(shape.call.range[0], request.range[0]));
      const edits: TextEdit[] = [
        { range: [statement.range[0], body.range[0]], newText: `${kept}${jsdoc}function ${names.request}(${fn.params.map(src).join(', ')})${sdk.request} ` },
        { range: [shape.call.range[0], request.range[0]], newText: wrap ? 'return (' : 'return ' },
        { range: [request.range[1], shape.call.range[1]], newText: `${wrap ? ')' : ''};${answerHead}` },
      ];
      if (tail) edits.push({ range: [body.range[1], statement.range[1]], newText: '' });
      return {
        edits,
        request: `${names.request}(${callerCall.arguments.map(src).join(', ')})`,
        answer: (result: string) => (shape.answer ? `${names.answer}(${result})` : result),
      };
    },
  };
}

/** The identifier naming a helper: `function name(…)` or `const name = async (…) => …`. */
function helperName(fn: FunctionLike, facts: FileFacts): TSESTree.Identifier | null {
  if (fn.type === T.FunctionDeclaration) return fn.id ?? null;
  const holder = facts.parents.get(fn);
  if (holder?.type === T.VariableDeclarator && holder.init === fn && holder.id.type === T.Identifier) {
    const decl = facts.parents.get(holder);
    // Alone in its declaration: the declaration's head becomes the request function's.
    return decl?.type === T.VariableDeclaration && decl.kind === 'const' && decl.declarations.length === 1 ? holder.id : null;
  }
  return null;
}

const LOOPS = [T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement];

/** The nearest loop statement around a node in its own function, or a per-item callback (`xs.map(async (x) => …)`), or null. */
function loopAround(n: Node, facts: FileFacts): Node | null {
  for (let child = n, p = facts.parents.get(n); p; child = p, p = facts.parents.get(p)) {
    if (LOOPS.includes(p.type as T) && (p as { body: Node }).body === child) return p;
    if (isFunctionLike(p)) {
      const outer = facts.parents.get(p);
      return outer?.type === T.CallExpression && outer.arguments.includes(p as TSESTree.CallExpressionArgument) ? outer : null;
    }
  }
  return null;
}

/** A loop as a message names it: `the for…in loop at line 50 (`for (const key in text)`)`, `the `docs.map` callback at line 31`. */
function loopName(loop: Node, facts: FileFacts): string {
  const at = `at line ${facts.line(loop)}`;
  switch (loop.type) {
    case T.CallExpression:
      return `the \`${facts.quote(loop.callee)}\` callback ${at}`;
    case T.ForOfStatement:
    case T.ForInStatement: {
      const head = { ...loop, range: [loop.range[0], loop.right.range[1] + 1] } as Node;
      return `the ${loop.type === T.ForOfStatement ? 'for…of' : 'for…in'} loop ${at} (\`${facts.quote(head)}\`)`;
    }
    case T.ForStatement:
    case T.WhileStatement:
      return `the ${loop.type === T.ForStatement ? 'for' : 'while'} loop ${at} (\`${facts.quote({ ...loop, range: [loop.range[0], loop.body.range[0]] } as Node)}\`)`;
    default:
      return `the do…while loop ${at}`;
  }
}

/** Why the caller's loop does not make the call once per item, for the loops the hoist does not take. */
function notPerItem(loop: Node, callerCall: Node, facts: FileFacts): string {
  if (loop.type === T.ForInStatement) {
    const obj = facts.quote(loop.right);
    const left = loop.left.type === T.VariableDeclaration ? facts.quote(loop.left) : 'const key';
    return `a for…in loop walks the keys of \`${obj}\` (its inherited ones too), which the loop hoist does not rewrite; write it as \`for (${left} of Object.keys(${obj}))\` to get a fix`;
  }
  if (loop.type === T.WhileStatement || loop.type === T.DoWhileStatement) {
    return 'a while loop decides as it goes whether there is a next item, so the items are not known before it runs and a batch cannot take them up front; loop over a list made first (for (const x of xs)) to get a fix';
  }
  return `its call there (\`${facts.quote(callerCall)}\`) is not a statement directly inside the loop's body (it sits in an if, another block, or a larger expression), so Batchwise cannot tell that it is made once per item; make it one to get a fix`;
}

interface Shape {
  /** The helper's statement (or its export), which becomes the two halves. */
  statement: Node;
  /** The statement making the call: `const r = await …;` or `return await …;`. */
  call: Node;
  /** Pure const declarations before the call that only the request reads. */
  prelude: TSESTree.VariableDeclaration[];
  /** `const pattern = await call; return expression`; none for `return await call`. */
  answer: { pattern: Node; expression: Node } | null;
}

/**
 * Whether the helper is one the split keeps the meaning of: plain parameters; pure const declarations the
 * request alone reads; the call, declared or returned; and a return of what is read of its answer.
 */
function helperShape(fn: FunctionLike, use: ResultUse, client: Node, request: Node, facts: FileFacts): Shape | string {
  const name = (n: Node) => `\`${facts.quote(n)}\` (line ${facts.line(n)})`;
  if (fn.body.type !== T.BlockStatement) return 'Batchwise splits only a helper written with a block body ({ const r = await …; return … }); write it so to get a fix';
  const bad = fn.params.find((p) => p.type !== T.Identifier || p.optional);
  if (bad) return `its parameter ${name(bad)} is not a plain name, which the split helper would have to evaluate twice; give it a plain parameter to get a fix`;
  if (client.type !== T.Identifier) return `its client is ${name(client)}, not a variable the caller's loop can reach; use a client made at module level to get a fix`;
  const clientBinding = facts.bindingOf(client);
  if (!clientBinding || within(clientBinding.scope, fn) || clientBinding.kind === 'param') {
    return `its client \`${client.name}\` is its own (a parameter or made inside it), so the caller's loop cannot send the batch with it; use a client made at module level to get a fix`;
  }
  let own: Node | null = null;
  visit(fn.body, (n) => {
    if (own || (n !== fn && isFunctionLike(n) && n.type !== T.ArrowFunctionExpression)) return false;
    if (n.type === T.ThisExpression || (n.type === T.Identifier && n.name === 'arguments' && facts.bindingOf(n)?.kind === 'global')) own = n;
    return undefined;
  });
  if (own) return `it reads ${name(own)}, which the split request would not see; pass the value as a parameter to get a fix`;
  const body = fn.body.body;
  const statement = use.kind === 'return' ? use.statement : use.kind === 'declare' ? use.statement : null;
  const at = statement ? body.indexOf(statement as TSESTree.Statement) : -1;
  if (at < 0) {
    const block = statement ? facts.parents.get(statement) : null;
    const held = block ? facts.parents.get(block) : null;
    const where = held?.type === T.TryStatement ? `in a try block (line ${facts.line(held)}), whose catch the caller's loop could not keep` : 'not a statement of its body';
    return `its call is ${where}; Batchwise splits a helper whose body is pure consts, \`const r = await …\` and \`return …\` of the answer (or \`return await …\`), to get a fix`;
  }
  let answer: Shape['answer'] = null;
  if (use.kind === 'declare') {
    const ret = body[at + 1];
    if (at + 2 !== body.length || ret?.type !== T.ReturnStatement || !ret.argument) {
      return `its call is not followed by a return of what is read of the answer alone (\`return ${facts.quote(use.pattern)}.…\`); Batchwise splits a helper whose body ends with the call and that return, to read the answer where the loop read it`;
    }
    const answered = new Set(patternIds(use.pattern).map((id) => facts.bindingOf(id)));
    let other: Node | null = null;
    visit(ret.argument, (n) => {
      if (other) return false;
      if (n.type === T.AwaitExpression || n.type === T.YieldExpression) other = n;
      if (n.type !== T.Identifier) return undefined;
      const b = facts.bindingOf(n);
      if (b && !answered.has(b) && within(b.scope, fn)) other = n;
      return undefined;
    });
    if (other) return `its return reads ${name(other)} besides the answer, so it cannot be read from a batch result alone; return only what is read of the answer to get a fix`;
    answer = { pattern: use.pattern, expression: ret.argument };
  } else if (use.kind !== 'return' || at !== body.length - 1 || use.expression.type !== T.AwaitExpression) {
    return 'its call is neither declared (`const r = await …`) nor returned as `return await …`; write it so to get a fix';
  }
  const prelude: TSESTree.VariableDeclaration[] = [];
  for (const s of body.slice(0, at)) {
    const problem =
      s.type !== T.VariableDeclaration || s.kind !== 'const'
        ? 'is not a const declaration'
        : s.declarations.some((d) => d.id.type !== T.Identifier || !d.init || facts.pureProblem(d.init))
          ? 'computes a value Batchwise cannot show is free of side effects'
          : s.declarations.some((d) => facts.referencesOf(facts.bindingOf(d.id)!).some((r) => !within(r, request) && !body.slice(0, at).some((p) => p !== s && within(r, p))))
            ? 'declares a name read elsewhere than in the request'
            : null;
    if (problem) return `before its call it runs ${name(s)}, which ${problem}; the split helper builds the request alone, so keep only pure consts the request reads before the call to get a fix`;
    prelude.push(s as TSESTree.VariableDeclaration);
  }
  let placed: Node = fn.type === T.FunctionDeclaration ? fn : facts.parents.get(facts.parents.get(fn)!)!;
  const exported = facts.parents.get(placed);
  if (exported?.type === T.ExportNamedDeclaration || exported?.type === T.ExportDefaultDeclaration) placed = exported;
  return { statement: placed, call: body[at], prelude, answer };
}

/** A declaration of the client's name, other than the client, whose scope holds the loop. */
function shadowing(client: TSESTree.Identifier, anchor: Node, facts: FileFacts): TSESTree.Identifier | null {
  const own = facts.bindingOf(client);
  let found: TSESTree.Identifier | null = null;
  visit(facts.model.ast, (n) => {
    if (found || n.type !== T.Identifier || n.name !== client.name || !facts.model.declares(n)) return;
    const b = facts.bindingOf(n);
    if (b && b !== own && within(anchor, b.scope)) found = n;
  });
  return found;
}

/** The local name of a package's default export imported at the top of the file (`import OpenAI from 'openai'`), or null. */
function sdkDefaultImport(program: TSESTree.Program, source: string): string | null {
  for (const s of program.body) {
    if (s.type !== T.ImportDeclaration || s.source.value !== source) continue;
    for (const sp of s.specifiers) if (sp.type === T.ImportDefaultSpecifier) return sp.local.name;
  }
  return null;
}
