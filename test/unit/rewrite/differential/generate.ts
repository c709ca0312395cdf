// A seeded generator of small programs that call an LLM once per item of a loop, combining loop shapes
// and body features at random (and of programs that make one call per run, generateSingleProgram). Each program prints what it does (the fakes answer deterministically),
// so a program and its rewrite can be run side by side and compared. The generator does not decide
// what Batchwise should accept: it only names the features it used, so refusals can be counted per feature.

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Lang = 'ts' | 'cjs' | 'esm';
export type Api = 'chat' | 'embeddings' | 'responses' | 'anthropic' | 'gemini';
/**
 * Which code makes the call: the official client, the Vercel AI SDK (`generateText({ model: openai('…') })`),
 * or LangChain.js (`model.invoke(…)`, a chain, a structured model, `embeddings.embedQuery(…)`).
 */
export type Family = 'official' | 'ai-sdk' | 'langchain';
/** The AI SDK function a program calls. */
export type AiFn = 'generateText' | 'generateObject' | 'embed' | 'embedMany';

export interface GeneratedProgram {
  name: string;
  /** main.ts (transpiled to CommonJS to run), main.js (CommonJS) or main.mjs. */
  file: string;
  text: string;
  lang: Lang;
  api: Api;
  shape: string;
  /** Every feature the program combines (the shape, the API, the language among them). */
  features: string[];
  /**
   * Callbacks run concurrently: lines they print (prefixed `~`, as `note` prints all its lines) may
   * come in any order, so they are compared as a multiset; the other lines in order.
   */
  concurrent: boolean;
  /** The calls go through the AI SDK (its programs run beside the AI SDK's packages). */
  aiSdk?: boolean;
  /** The calls go through LangChain (its programs run beside LangChain's packages). */
  langchain?: boolean;
}

/** The text the fakes reject (400) in the runs with rejections: it is in exactly one item. */
export const REJECT_TEXT = 'refund';

const DOCS = [
  { id: 'a1', text: 'printer on fire again', tags: ['hw'], score: 3 },
  { id: 'b2', text: 'cannot log in today', tags: [] as string[] },
  { id: 'c3', text: 'refund please right now', tags: ['billing', 'vip'], score: 1 },
  { id: 'd4', text: 'dark mode when', tags: ['ui'] },
  { id: 'e5', text: 'export is very slow', tags: ['perf', 'vip'], score: 2 },
];

const SEQUENTIAL_SHAPES = ['for-of-array', 'for-of-set', 'for-of-map', 'for-of-entries', 'index-for', 'for-of-destructure', 'nested', 'labelled', 'for-of-shared'];
const CONCURRENT_SHAPES = ['promise-all', 'foreach', 'p-map', 'p-map-limited', 'p-limit', 'promise-all-destructure'];

interface Ctx {
  rnd: () => number;
  lang: Lang;
  api: Api;
  shape: string;
  concurrent: boolean;
  features: string[];
  /** The item's id and text as expressions in the body. */
  id: string;
  text: string;
  /** The item object, when the body has one to mutate. */
  item: string | null;
  /** The index, when the loop has one. */
  index: string | null;
  tags: string | null;
  /** The collection the loop runs over, when it is a plain array of docs the body could grow. */
  growable: string | null;
  decls: Set<string>;
  helpers: Set<string>;
  summary: string[];
  /** Inside a function (so `return` means leaving main). */
  inFunction: boolean;
  /**
   * The call is made in a helper of the module the loop awaits (`await ask(prompt)`): declared and returned
   * (`const res = await …; return res;`), or returned as `return await …`.
   */
  viaHelper: 'declare' | 'return' | null;
  /** An AI SDK program: the function it calls and the expression for the model. */
  ai: { fn: AiFn; model: string } | null;
  /** A LangChain program: how it calls, and how it reads the answer as a string. */
  lc: LangChainCall | null;
}

/** A LangChain program's call: the expression for a prompt, and the answer read as a string. */
interface LangChainCall {
  /** 'store': no loop, a vector store made of the documents (`call` gives the whole call). */
  form: LcForm | 'store';
  call: (prompt: string) => string;
  text: (res: string) => string;
  /** What it reads of the answer's usage, if it has one. */
  usage: string | null;
}

const ts = (c: Ctx, s: string) => (c.lang === 'ts' ? s : '');

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

function chance(c: Ctx, p: number): boolean {
  return c.rnd() < p;
}

/** Loop-carried state the body may use, declared at the top of main (or the module). */
function decl(c: Ctx, name: 'count' | 'total' | 'results' | 'history' | 'seen' | 'lengths' | 'stats' | 'later' | 'config' | 'labels'): string {
  const texts: Record<string, string> = {
    count: 'let count = 0;',
    total: 'let total = 0;',
    results: `const results${ts(c, ': string[]')} = [];`,
    history: `const history${ts(c, ': string[]')} = ['(none)'];`,
    seen: `const seen${ts(c, ': string[]')} = [];`,
    lengths: `const lengths = new Map${ts(c, '<string, number>')}();`,
    stats: `const stats = { calls: 0, last: '' };`,
    later: `const later${ts(c, ': (() => void)[]')} = [];`,
    config: `const config = { tone: 'brief' };`,
    labels: `const labels = new Map${ts(c, '<string, string>')}();`,
  };
  c.decls.add(texts[name]);
  return name;
}

function helper(c: Ctx, name: 'note' | 'buildPrompt' | 'nextStamp' | 'makeRequest'): string {
  const T = (s: string) => ts(c, s);
  const texts: Record<string, string> = {
    note: `const log${T(': string[]')} = [];\nasync function note(s${T(': string')})${T(': Promise<void>')} {\n  log.push(s);\n  await new Promise((resolve) => setImmediate(resolve));\n  console.log('~', 'note', s);\n}`,
    buildPrompt: `function buildPrompt(text${T(': string')}, tag${T(': string')})${T(': string')} {\n  return \`[\${tag}] \${text.trim()}\`;\n}`,
    nextStamp: `let stampCounter = 0;\nfunction nextStamp()${T(': number')} {\n  stampCounter += 1;\n  return stampCounter;\n}`,
    makeRequest: '',
  };
  c.helpers.add(texts[name]);
  return name;
}

/** How the body reads the answer as a string. */
function textOf(api: Api, res: string, destructured: boolean): string {
  if (api === 'chat') return destructured ? `(choices[0].message.content ?? '')` : `(${res}.choices[0].message.content ?? '')`;
  if (api === 'embeddings') return destructured ? `data[0].embedding.join(',')` : `${res}.data[0].embedding.join(',')`;
  if (api === 'responses') return destructured ? 'output_text' : `${res}.output_text`;
  if (api === 'gemini') return destructured ? `(text ?? '')` : `(${res}.text ?? '')`;
  return `${destructured ? 'content' : `${res}.content`}.map((b) => (b.type === 'text' ? b.text : '')).join('')`;
}

function destructuredName(api: Api): string {
  return api === 'chat' ? '{ choices }' : api === 'embeddings' ? '{ data }' : api === 'responses' ? '{ output_text }' : api === 'gemini' ? '{ text }' : '{ content }';
}

/** How the body reads an AI SDK result as a string. */
function aiTextOf(fn: AiFn, res: string, destructured: boolean): string {
  const r = (field: string) => (destructured ? 'output' : `${res}.${field}`);
  return fn === 'generateText' ? r('text') : fn === 'generateObject' ? `${r('object')}.label` : fn === 'embed' ? `${r('embedding')}.join(',')` : `${r('embeddings')}[0].join(',')`;
}

/** The result's field a destructuring takes, renamed (the item may be called `text` too). */
const AI_RESULT_FIELD: Record<AiFn, string> = { generateText: '{ text: output }', generateObject: '{ object: output }', embed: '{ embedding: output }', embedMany: '{ embeddings: output }' };

/** The options of an AI SDK call. */
function aiOptions(c: Ctx, ai: NonNullable<Ctx['ai']>, prompt: string): string {
  switch (ai.fn) {
    case 'generateText':
      return `{ model: ${ai.model}, ${chance(c, 0.3) ? 'system: SYSTEM, ' : ''}prompt: ${prompt}${chance(c, 0.3) ? ', maxOutputTokens: 64' : ''} }`;
    case 'generateObject':
      return `{ model: ${ai.model}, schema: Label, prompt: ${prompt} }`;
    case 'embed':
      return `{ model: ${ai.model}, value: ${prompt} }`;
    default:
      return `{ model: ${ai.model}, values: [${prompt}] }`;
  }
}

function request(c: Ctx, prompt: string): string {
  switch (c.api) {
    case 'chat':
      return chance(c, 0.3)
        ? `{ model: 'gpt-4.1-mini', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: ${prompt} }] }`
        : `{ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: ${prompt} }] }`;
    case 'embeddings':
      return `{ model: 'text-embedding-3-small', input: ${prompt} }`;
    case 'responses':
      return chance(c, 0.3) ? `{ model: 'gpt-5-mini', instructions: SYSTEM, input: ${prompt} }` : `{ model: 'gpt-5-mini', input: ${prompt} }`;
    case 'gemini':
      return chance(c, 0.3) ? `{ model: 'gemini-2.5-flash', contents: ${prompt}, config: { systemInstruction: SYSTEM } }` : `{ model: 'gemini-2.5-flash', contents: ${prompt} }`;
    default:
      return `{ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: ${prompt} }] }`;
  }
}

function clientCall(c: Ctx): string {
  return c.api === 'chat' ? 'client.chat.completions.create' : c.api === 'embeddings' ? 'client.embeddings.create' : c.api === 'responses' ? 'client.responses.create' : c.api === 'gemini' ? 'client.models.generateContent' : 'client.messages.create';
}

/** A line the body prints: prefixed `~` in concurrent callbacks, where lines may come in any order. */
function log(c: Ctx, args: string): string {
  return `console.log(${c.concurrent ? "'~', " : ''}${args});`;
}

/** The body of one iteration: statements before the call, the call, statements after. */
function body(c: Ctx): string[] {
  const f = (name: string) => c.features.push(name);
  const pre: string[] = [];
  const post: string[] = [];
  const promptParts: string[] = [];
  const seq = !c.concurrent;

  // ---- before the call
  let promptBase = `${c.text}`;
  if (chance(c, 0.35)) {
    f('prompt-const');
    pre.push(`const prompt = \`Summarize: \${${c.text}}\`;`);
    promptBase = 'prompt';
  } else if (chance(c, 0.25)) {
    f('prompt-helper');
    helper(c, 'buildPrompt');
    pre.push(`const prompt = buildPrompt(${c.text}, ${c.id});`);
    promptBase = 'prompt';
  }
  promptParts.push(`\${${promptBase}}`);
  if (chance(c, 0.2)) {
    f('pure-derived');
    pre.push(`const short = ${c.text}.slice(0, 12);`);
    promptParts.push(`(\${short})`);
  }
  if (chance(c, 0.2)) {
    f('prompt-id');
    promptParts.push(`#\${${c.id}}`);
  }
  if (c.index && chance(c, 0.2)) {
    f('prompt-index');
    promptParts.push(`@\${${c.index}}`);
  }
  if (chance(c, 0.15)) {
    f('pre-log');
    pre.push(log(c, `'asking', ${c.id}`));
  }
  if (chance(c, 0.12)) {
    f('pre-await');
    helper(c, 'note');
    pre.push(`await note(\`before \${${c.id}}\`);`);
  }
  if (chance(c, 0.15)) {
    f('counter-pre');
    decl(c, 'count');
    pre.push('count++;');
  }
  if (chance(c, 0.1)) {
    f('seen-push-pre');
    decl(c, 'seen');
    pre.push(`seen.push(${c.id});`);
    c.summary.push(`console.log('seen', ${c.concurrent ? '[...seen].sort()' : 'seen'}.join(','));`);
  }
  if (c.item && chance(c, 0.08)) {
    f('mutate-item-pre-read');
    pre.push(`${c.item}.text = ${c.item}.text.trim() + '!';`);
  } else if (c.item && chance(c, 0.08)) {
    f('mutate-item-pre-unread');
    pre.push(`${c.item}.seen = true;`);
  }
  if (chance(c, 0.07)) {
    f('continue-pre');
    pre.push(`if (${c.id} === 'b2') ${seq ? 'continue' : 'return'};`);
  }
  if (seq && chance(c, 0.05)) {
    f('break-pre');
    decl(c, 'count');
    pre.push('if (count > 99) break;');
  }
  if (chance(c, 0.05)) {
    f('throw-pre');
    pre.push(`if (${c.text}.length > 500) throw new Error('too long');`);
  }
  if (seq && c.inFunction && chance(c, 0.04)) {
    f('return-pre');
    pre.push(`if (${c.id} === 'zz') return 'early';`);
  }
  if (chance(c, 0.07)) {
    f('impure-derived');
    helper(c, 'nextStamp');
    pre.push('const stamp = nextStamp();');
    promptParts.push('s\${stamp}');
  }
  if (chance(c, 0.1)) {
    f('config-in-request');
    decl(c, 'config');
    promptParts.push('(\${config.tone})');
    if (chance(c, 0.5)) {
      f('config-mutated');
      post.push(`config.tone = ${c.id};`);
    }
  }
  if (chance(c, 0.08)) {
    f('counter-in-request');
    decl(c, 'count');
    promptParts.push('n\${count}');
    if (!c.features.includes('counter-pre')) post.push('count++;');
  }
  if (chance(c, 0.07)) {
    f('history-in-request');
    decl(c, 'history');
    promptParts.push(`\${history[history.length - 1]}`);
  }
  if (chance(c, 0.06)) {
    f('labels-in-request');
    decl(c, 'labels');
    promptParts.push(`\${labels.get(${c.id}) ?? 'new'}`);
    if (chance(c, 0.5)) {
      f('labels-set');
      post.push(`labels.set(${c.id}, 'seen');`);
    }
  }
  if (chance(c, 0.05)) {
    f('log-in-request');
    helper(c, 'note');
    promptParts.push('L\${log.length}');
    if (!c.features.includes('pre-await')) post.push(`await note(\`after \${${c.id}}\`);`);
  }
  if (c.shape === 'for-of-shared') {
    promptParts.push(`\${${c.item}.ctx.tone}`);
    if (chance(c, 0.5)) {
      f('shared-ctx-mutated');
      post.push(`${c.item}.ctx.tone = ${c.id};`);
    }
  }
  if (chance(c, 0.06)) {
    f('closure-pre');
    decl(c, 'later');
    pre.push(`later.push(() => console.log('later', ${c.id}${c.index ? `, ${c.index}` : ''}));`);
    c.summary.push(c.concurrent ? 'console.log(later.length);' : 'for (const fn of later) fn();');
  }

  const prompt = '`' + promptParts.join(' ') + '`';
  const ai = c.ai;
  const lc = c.lc;
  let call = ai ? `await ${ai.fn}(${aiOptions(c, ai, prompt)})` : lc ? `await ${lc.call(prompt)}` : `await ${clientCall(c)}(${request(c, c.viaHelper ? 'prompt' : prompt)})`;
  if (c.viaHelper) {
    f('via-helper');
    const made = call.replace(/^await /, '');
    c.helpers.add(
      `async function ask(prompt${ts(c, ': string')}) {\n${c.viaHelper === 'declare' ? `  const res = await ${made};\n  return res;` : `  return await ${made};`}\n}`,
    );
    call = `await ask(${prompt})`;
  }
  const answerOf = (res: string, destructured: boolean) => (ai ? aiTextOf(ai.fn, res, destructured) : lc ? lc.text(res) : textOf(c.api, res, destructured));

  // ---- the call and its result
  const drawnForm = pick(c.rnd, ['const', 'const', 'const', 'let', 'destructure', 'discard', 'try-around', 'try-assign', 'return-direct'] as const);
  // LangChain's answers (a message, a string, an object, a vector) are read whole, not destructured.
  const form = lc && drawnForm === 'destructure' ? 'const' : drawnForm;
  let answer: string | null = 'answer';
  const callStmts: string[] = [];
  if (form === 'discard') {
    f('result-discarded');
    callStmts.push(`${call};`);
    answer = null;
  } else if (form === 'destructure') {
    f('result-destructured');
    callStmts.push(`const ${ai ? AI_RESULT_FIELD[ai.fn] : destructuredName(c.api)} = ${call};`);
    callStmts.push(`const answer = ${answerOf('', true)};`);
  } else if (form === 'try-assign') {
    f('try-assign');
    callStmts.push(`let res;\ntry {\n  res = ${call};\n} catch (e) {\n  ${log(c, `'failed', ${c.id}, errText(e)`)}\n  ${seq ? 'continue' : 'return'};\n}`);
    callStmts.push(`const answer = ${answerOf('res', false)};`);
  } else if (form === 'return-direct' && c.concurrent && c.shape !== 'foreach') {
    f('return-call');
    callStmts.push(`return ${call};`);
    answer = null;
  } else {
    f(form === 'let' ? 'result-let' : form === 'try-around' ? 'try-around' : 'result-const');
    callStmts.push(`${form === 'let' ? 'let' : 'const'} res = ${call};`);
    callStmts.push(`const answer = ${answerOf('res', false)};`);
  }

  // ---- after the call
  if (answer && !c.features.includes('return-call')) {
    const a = answer;
    const options: [string, number, () => void][] = [
      ['print', 0.7, () => post.push(log(c, `${c.id}, '->', ${a}`))],
      ['accumulate', 0.25, () => {
        decl(c, 'total');
        post.push(`total += ${a}.length;`);
        c.summary.push("console.log('total', total);");
      }],
      ['push-result', 0.3, () => {
        decl(c, 'results');
        post.push(`results.push(\`\${${c.id}}:\${${a}.length}\`);`);
        c.summary.push(`console.log('results', ${c.concurrent ? '[...results].sort()' : 'results'}.join(' '));`);
      }],
      ['map-set', 0.15, () => {
        decl(c, 'lengths');
        post.push(`lengths.set(${c.id}, ${a}.length);`);
        c.summary.push(`console.log('lengths', JSON.stringify([...lengths]${c.concurrent ? '.sort()' : ''}));`);
      }],
      ['object-mutate', 0.15, () => {
        decl(c, 'stats');
        post.push(`stats.calls += 1;\nstats.last = ${c.id};`);
        c.summary.push(c.concurrent ? "console.log('calls', stats.calls);" : "console.log('stats', JSON.stringify(stats));");
      }],
      ['counter-post', 0.15, () => {
        decl(c, 'count');
        post.push('count++;');
        c.summary.push("console.log('count', count);");
      }],
      ['history-push', 0.12, () => {
        decl(c, 'history');
        post.push(`history.push(${a}.slice(0, 10));`);
        c.summary.push(`console.log('history', history.length);`);
      }],
      ['await-post', 0.15, () => {
        helper(c, 'note');
        post.push(`await note(\`after \${${c.id}}\`);`);
      }],
      ['try-use', 0.12, () => post.push(`try {\n  JSON.parse(${a});\n  ${log(c, `'json', ${c.id}`)}\n} catch {\n  ${log(c, `'not json', ${c.id}`)}\n}`)],
      ['switch-break', 0.08, () => post.push(`switch (${a}.length % 3) {\n  case 0:\n    ${log(c, `'mod0', ${c.id}`)}\n    break;\n  default:\n    ${log(c, `'mod', ${c.id}`)}\n}`)],
      ['continue-post', seq ? 0.1 : 0, () => post.push(`if (${a}.length % 2 === 0) continue;\n${log(c, `'odd', ${c.id}`)}`)],
      ['break-post', seq ? 0.06 : 0, () => post.push(`if (${a}.includes('ZZZZ')) break;`)],
      ['throw-post', 0.05, () => post.push(`if (${a}.length > 5000) throw new Error('answer too long');`)],
      ['return-post', seq && c.inFunction ? 0.05 : 0, () => post.push(`if (${a}.includes('ZZZZ')) return ${c.id};`)],
      ['mutate-item-post', c.item ? 0.12 : 0, () => {
        post.push(`${c.item}.answer = ${a}.slice(0, 8);`);
      }],
      ['grow-collection', c.growable ? 0.06 : 0, () => {
        post.push(`if (${c.growable}.length < 7) ${c.growable}.push({ id: \`x\${${c.growable}.length}\`, text: 'extra item here', tags: [] });`);
      }],
      ['nested-loop-post', c.tags ? 0.12 : 0, () => post.push(`for (const t of ${c.tags}) {\n  if (t === 'vip') break;\n  ${log(c, `'tag', ${c.id}, t`)}\n}`)],
      ['closure-post', 0.08, () => {
        decl(c, 'later');
        post.push(`later.push(() => console.log('later', ${c.id}, ${a}.length));`);
        c.summary.push(c.concurrent ? 'console.log(later.length);' : 'for (const fn of later) fn();');
      }],
      ['print-usage', (c.api === 'embeddings' && !ai) || (lc && !lc.usage) ? 0 : 0.12, () => {
        if (form === 'destructure' || form === 'discard') return;
        const usage = ai ? (/^embed/.test(ai.fn) ? 'res.usage.tokens' : 'res.usage.outputTokens') : lc ? lc.usage! : c.api === 'anthropic' ? 'res.usage.output_tokens' : c.api === 'gemini' ? 'res.usageMetadata?.totalTokenCount' : 'res.usage?.total_tokens';
        post.push(log(c, `'usage', ${c.id}, ${usage}`));
      }],
      ['print-id', (c.api === 'embeddings' && !ai) || lc ? 0 : 0.1, () => {
        if (form === 'destructure' || form === 'discard') return;
        // The AI SDK's id is its HTTP response's (which the rewrite refuses to read).
        post.push(log(c, `'id', ${c.id}, ${ai ? 'res.response?.id' : c.api === 'gemini' ? 'res.responseId' : 'res.id'}`));
      }],
      ['print-finish', ai && !/^embed/.test(ai.fn) ? 0.15 : 0, () => {
        if (form === 'destructure' || form === 'discard') return;
        post.push(log(c, `'finish', ${c.id}, res.finishReason`));
      }],
    ];
    for (const [name, p, add] of options) {
      if (p > 0 && chance(c, p)) {
        const before = post.length;
        add();
        if (post.length > before || name === 'accumulate') f(name);
      }
    }
    if (post.length === 0) {
      post.push(log(c, `${c.id}, '->', ${a}`));
      f('print');
    }
  } else if (!c.features.includes('return-call')) {
    post.push(log(c, `'checked', ${c.id}`));
    f('print');
  }

  // De-duplicate summary lines (several features may ask for one).
  c.summary = [...new Set(c.summary)];
  if (c.concurrent && !c.features.includes('return-call')) post.push(`return ${answer ? `\`\${${c.id}}=\${${answer}.length}\`` : c.id};`);
  if (form === 'try-around') {
    const tryBody = [...callStmts, ...post].join('\n').replace(/\n/g, '\n  ');
    return [...pre, `try {\n  ${tryBody}\n} catch (e) {\n  ${log(c, `'failed', ${c.id}, errText(e)`)}\n  ${c.concurrent ? `return 'failed';` : ''}\n}`];
  }
  return [...pre, ...callStmts, ...post];
}

function indent(lines: string[], by: string): string {
  return lines.map((l) => by + l.replace(/\n/g, '\n' + by)).join('\n');
}

/** How an AI SDK program makes its model: in the call, in a const, by a helper, from an instance it makes. */
const MODEL_FORMS = ['inline', 'inline', 'const', 'helper', 'instance'] as const;

/** The AI SDK function, the model and how it is made, with the module lines that make it (the AI SDK's own generator, so official programs stay as they were). */
function aiSetup(seed: number, n: number, api: Api): { fn: AiFn; model: string; lines: string[]; imports: [string, string][]; features: string[] } {
  const rnd = prng((seed * 31 + n * 104_729 + 17) >>> 0);
  const anthropic = api === 'anthropic';
  const fn: AiFn = api === 'embeddings' ? pick(rnd, ['embed', 'embedMany'] as const) : api === 'responses' && rnd() < 0.5 ? 'generateObject' : 'generateText';
  const form = pick(rnd, MODEL_FORMS);
  const instance = form === 'instance' ? (anthropic ? 'claude' : 'llm') : anthropic ? 'anthropic' : 'openai';
  const made =
    api === 'embeddings' ? `${instance}.embedding('text-embedding-3-small')`
    : api === 'chat' ? `${instance}.chat('gpt-4.1-mini')`
    : api === 'responses' ? (rnd() < 0.5 ? `${instance}('gpt-5-mini')` : `${instance}.responses('gpt-5-mini')`)
    : `${instance}('claude-haiku-4-5')`;
  const source = anthropic ? '@ai-sdk/anthropic' : '@ai-sdk/openai';
  const imports: [string, string][] = [[fn, 'ai'], [form === 'instance' ? (anthropic ? 'createAnthropic' : 'createOpenAI') : instance, source]];
  if (fn === 'generateObject') imports.push(['z', 'zod/v4']);
  const lines: string[] = [];
  if (form === 'instance') lines.push(`const ${instance} = ${anthropic ? 'createAnthropic' : 'createOpenAI'}({ apiKey: 'test-key' });`);
  if (fn === 'generateObject') lines.push('const Label = z.object({ label: z.string(), words: z.number() });');
  let model = made;
  if (form === 'const') {
    lines.push(`const model = ${made};`);
    model = 'model';
  } else if (form === 'helper') {
    lines.push(`function getModel() {\n  return ${made};\n}`);
    model = 'getModel()';
  }
  return { fn, model, lines, imports, features: ['family:ai-sdk', `ai:${fn}`, `model:${form}`] };
}

/** How a LangChain program calls: the model itself, a chain around it (pipe or RunnableSequence), or its withStructuredOutput. */
const LC_FORMS = ['model', 'model', 'chain', 'sequence', 'structured'] as const;
type LcForm = (typeof LC_FORMS)[number];

/** The LangChain model (or embeddings) and how the body calls it, with the module lines that make it. */
function lcSetup(seed: number, n: number, api: Api): { call: LangChainCall; lines: string[]; imports: [string, string][]; features: string[] } {
  const rnd = prng((seed * 37 + n * 104_723 + 29) >>> 0);
  if (api === 'embeddings') {
    // One program in three makes a vector store of the documents instead of a loop (drawn from a generator of
    // its own, so every other draw stays as it was): fromTexts or fromDocuments, the embeddings a const or made in the call.
    const storeRnd = prng((seed * 53 + n * 15_485_863 + 7) >>> 0);
    if (storeRnd() < 0.35) {
      const fromDocuments = storeRnd() < 0.5;
      const inline = storeRnd() < 0.4;
      const made = `new OpenAIEmbeddings({ model: 'text-embedding-3-small', batchSize: ${storeRnd() < 0.5 ? 2 : 512} })`;
      const embeddings = inline ? made : 'embeddings';
      // Embeddings made in the call come first after the rewrite: the arguments ahead of them must be names then (bound first, or refused).
      const bound = inline && storeRnd() < 0.6;
      const args = fromDocuments
        ? ['docs.map((d) => new Document({ pageContent: d.text, metadata: { id: d.id } }))']
        : ['docs.map((d) => d.text)', 'docs.map((d) => ({ id: d.id }))'];
      const names = fromDocuments ? ['documents'] : ['texts', 'metadatas'];
      const store = `${bound ? `${args.map((a, i) => `const ${names[i]} = ${a};`).join('\n')}\nconst store = await ` : 'const store = await '}MemoryVectorStore.${fromDocuments ? 'fromDocuments' : 'fromTexts'}(${(bound ? names : args).join(', ')}, ${embeddings})`;
      const imports: [string, string][] = [['OpenAIEmbeddings', '@langchain/openai'], ['MemoryVectorStore', '@langchain/classic/vectorstores/memory']];
      if (fromDocuments) imports.push(['Document', '@langchain/core/documents']);
      return {
        call: { form: 'store', call: () => store, text: (res) => res, usage: null },
        lines: inline ? [] : [made.replace(/^/, 'const embeddings = ') + ';'],
        imports,
        features: ['family:langchain', `lc:store-${fromDocuments ? 'fromDocuments' : 'fromTexts'}`, ...(inline ? ['lc:store-inline'] : []), ...(bound ? ['lc:store-arguments-bound'] : [])],
      };
    }
    return {
      call: { form: 'model', call: (prompt) => `embeddings.embedQuery(${prompt})`, text: (res) => `${res}.join(',')`, usage: null },
      // OpenAIEmbeddings runs 2 calls at once unless told otherwise, which a batch cannot wait for.
      lines: ["const embeddings = new OpenAIEmbeddings({ model: 'text-embedding-3-small', maxConcurrency: Infinity });"],
      imports: [['OpenAIEmbeddings', '@langchain/openai']],
      features: ['family:langchain', 'lc:embedQuery'],
    };
  }
  const anthropic = api === 'anthropic';
  const form = pick(rnd, LC_FORMS);
  const cls = anthropic ? 'ChatAnthropic' : 'ChatOpenAI';
  const imports: [string, string][] = [[cls, anthropic ? '@langchain/anthropic' : '@langchain/openai']];
  const lines = [anthropic ? "const model = new ChatAnthropic({ model: 'claude-haiku-4-5', maxTokens: 64 });" : `const model = new ChatOpenAI({ model: 'gpt-4.1-mini'${rnd() < 0.3 ? ', temperature: 0' : ''} });`];
  const message = (res: string) => `String(${res}.content)`;
  let call: LangChainCall;
  if (form === 'model') call = { form, call: (prompt) => `model.invoke(${prompt})`, text: message, usage: 'res.usage_metadata?.output_tokens' };
  else if (form === 'structured') {
    imports.push(['z', 'zod']);
    lines.push("const Label = z.object({ label: z.string(), words: z.number() });", `const labeller = model.withStructuredOutput(Label${rnd() < 0.5 ? ", { name: 'label' }" : ''});`);
    call = { form, call: (prompt) => `labeller.invoke(${prompt})`, text: (res) => `${res}.label`, usage: null };
  } else {
    imports.push(['StringOutputParser', '@langchain/core/output_parsers']);
    const template = rnd() < 0.5 ? "ChatPromptTemplate.fromMessages([['system', 'Answer in five words.'], ['human', '{text}']])" : "PromptTemplate.fromTemplate('Answer briefly: {text}')";
    imports.push([template.split('.')[0], '@langchain/core/prompts']);
    if (form === 'sequence') {
      imports.push(['RunnableSequence', '@langchain/core/runnables']);
      lines.push(`const chain = RunnableSequence.from([${template}, model, new StringOutputParser()]);`);
    } else lines.push(`const template = ${template};`, 'const chain = template.pipe(model).pipe(new StringOutputParser());');
    call = { form, call: (prompt) => `chain.invoke({ text: ${prompt} })`, text: (res) => res, usage: null };
  }
  return { call, lines, imports, features: ['family:langchain', `lc:${form}`] };
}

export function generateProgram(seed: number, n: number, family: Family = 'official'): GeneratedProgram {
  const rnd = prng((seed * 100_003 + n * 7919) >>> 0);
  const lang = pick(rnd, ['ts', 'ts', 'cjs', 'esm'] as const);
  const drawn = pick(rnd, ['chat', 'chat', 'embeddings', 'responses', 'anthropic', 'anthropic'] as const);
  // One official program in seven calls Gemini, chosen by its number: the draws of every other program stay as they were.
  const api: Api = family === 'official' && n % 7 === 3 ? 'gemini' : drawn;
  const ai = family === 'ai-sdk' ? aiSetup(seed, n, drawn) : null;
  const lcs = family === 'langchain' ? lcSetup(seed, n, drawn) : null;
  const concurrent = rnd() < 0.35;
  let shape = pick(rnd, concurrent ? CONCURRENT_SHAPES : SEQUENTIAL_SHAPES);
  if (lang === 'cjs' && /^p-/.test(shape)) shape = 'promise-all';
  const topLevel = lang === 'esm' && !concurrent && rnd() < 0.25;
  const c: Ctx = {
    rnd, lang, api, shape, concurrent, features: [`lang:${lang}`, `api:${api}`, `shape:${shape}`],
    id: 'doc.id', text: 'doc.text', item: 'doc', index: null, tags: 'doc.tags', growable: null,
    decls: new Set(), helpers: new Set(), summary: [], inFunction: !topLevel, ai: ai ? { fn: ai.fn, model: ai.model } : null, lc: lcs?.call ?? null,
    // One official program in five makes its call in a helper, chosen by its number, as Gemini's are.
    viaHelper: family === 'official' && n % 5 === 1 ? (n % 10 === 1 ? 'return' : 'declare') : null,
  };
  if (ai) c.features.push(...ai.features);
  if (lcs) c.features.push(...lcs.features);
  if (topLevel) c.features.push('top-level');
  const T = (s: string) => ts(c, s);

  // The items, in an order of their own (so the rejected one moves about).
  const docs = [...DOCS].sort(() => rnd() - 0.5).slice(0, 3 + Math.floor(rnd() * 3));
  if (!docs.some((d) => d.text.includes(REJECT_TEXT))) docs[Math.floor(rnd() * docs.length)] = DOCS[2];
  const docsText = `const docs${T(': Doc[]')} = [\n${docs.map((d) => `  ${JSON.stringify(d).replace(/"(\w+)":/g, '$1: ').replace(/"/g, "'").replace(/,(?=\w)/g, ', ').replace(/^\{/, '{ ').replace(/\}$/, ' }')},`).join('\n')}\n];`;

  const loopDecls: string[] = [];
  let head = '';
  let pre: string[] = [];
  switch (shape) {
    case 'for-of-array':
      head = 'for (const doc of docs)';
      c.growable = 'docs';
      break;
    case 'for-of-set':
      loopDecls.push('const docSet = new Set(docs);');
      head = 'for (const doc of docSet)';
      break;
    case 'for-of-map':
      loopDecls.push(`const byId = new Map${T('<string, Doc>')}(docs.map((d)${T(': [string, Doc]')} => [d.id, d]));`);
      head = rnd() < 0.5 ? 'for (const [key, doc] of byId)' : 'for (const [key, doc] of byId.entries())';
      c.id = 'key';
      break;
    case 'for-of-entries':
      loopDecls.push(`const table${T(': Record<string, string>')} = Object.fromEntries(docs.map((d) => [d.id, d.text]));`);
      head = 'for (const [id, text] of Object.entries(table))';
      Object.assign(c, { id: 'id', text: 'text', item: null, tags: null });
      break;
    case 'index-for':
      head = rnd() < 0.5 ? 'for (let i = 0; i < docs.length; i++)' : 'for (let i = 0; i < docs.length; i += 1)';
      pre = ['const doc = docs[i];'];
      c.index = 'i';
      c.growable = 'docs';
      break;
    case 'for-of-destructure': {
      const impure = rnd() < 0.15;
      if (impure) {
        helper(c, 'nextStamp');
        c.features.push('pattern-default-impure');
      }
      head = `for (const { id, text, tags = [], score = ${impure ? 'nextStamp()' : '0'} } of docs)`;
      Object.assign(c, { id: 'id', text: 'text', item: null, tags: 'tags' });
      pre = [`if (score < 0) console.log('negative');`];
      break;
    }
    case 'nested':
      loopDecls.push(`const groups = [{ name: 'first', docs: docs.slice(0, 2) }, { name: 'rest', docs: docs.slice(2) }];`);
      head = 'for (const doc of group.docs)';
      break;
    case 'labelled':
      head = 'outer: for (const doc of docs)';
      break;
    case 'for-of-shared':
      loopDecls.push(`const shared = { tone: 'plain' };\nconst withCtx = docs.map((d) => ({ ...d, ctx: shared }));`);
      head = 'for (const doc of withCtx)';
      break;
    case 'promise-all':
    case 'promise-all-destructure':
    case 'foreach':
    case 'p-map':
    case 'p-map-limited':
    case 'p-limit':
      c.index = 'i';
      if (shape === 'promise-all-destructure') Object.assign(c, { id: 'id', text: 'text', item: null, tags: 'tags' });
      break;
  }

  const lines = body(c);
  if (shape === 'labelled' && c.tags && rnd() < 0.6) {
    // A jump to the loop's own label from an inner loop, after the call.
    c.features.push('continue-outer');
    lines.push(`for (const t of ${c.tags}) {\n  if (t === 'vip') continue outer;\n}\nconsole.log('no vip', ${c.id});`);
  }

  let loop: string;
  const bodyText = indent([...pre, ...lines], '  ');
  const param = shape === 'promise-all-destructure' ? '{ id, text, tags }' : 'doc';
  switch (shape) {
    case 'promise-all':
    case 'promise-all-destructure':
      loop = `const outs = await Promise.all(docs.map(async (${param}, i) => {\n${bodyText}\n}));\nconsole.log('outs', JSON.stringify(outs));`;
      break;
    case 'foreach':
      loop = `docs.forEach(async (${param}, i) => {\n${bodyText}\n});`;
      c.summary = [];
      break;
    case 'p-map':
    case 'p-map-limited':
      loop = `const outs = await pMap(docs, async (${param}, i) => {\n${bodyText}\n}${shape === 'p-map-limited' ? ', { concurrency: 2 }' : ''});\nconsole.log('outs', JSON.stringify(outs));`;
      break;
    case 'p-limit':
      loop = `const outs = await Promise.all(docs.map((${param}, i) => limit(async () => {\n${bodyText}\n})));\nconsole.log('outs', JSON.stringify(outs));`;
      break;
    case 'nested':
      loop = `for (const group of groups) {\n  console.log('group', group.name);\n  ${head} {\n${indent([...pre, ...lines], '    ')}\n  }\n}`;
      break;
    default:
      loop = `${head} {\n${bodyText}\n}`;
  }
  if (lcs?.call.form === 'store') {
    // The documents' vectors, in the store's order, and nothing of the loop drawn above.
    loop = `${lcs.call.call('')};\nfor (const v of store.memoryVectors) console.log('vector', v.metadata.id, v.embedding.join(','));`;
    c.summary = [];
    c.decls.clear();
    c.features = c.features.filter((f) => !f.startsWith('shape:'));
    c.features.push('shape:store');
    shape = 'store';
  }

  const sdk = api === 'anthropic' ? ['Anthropic', '@anthropic-ai/sdk', 'ANTHROPIC_BASE_URL'] : api === 'gemini' ? ['GoogleGenAI', '@google/genai', 'GEMINI_BASE_URL'] : ['OpenAI', 'openai', 'OPENAI_BASE_URL'];
  const imports: string[] = [];
  const imp = (name: string, from: string) => imports.push(lang === 'cjs' ? `const ${name} = require('${from}');` : `import ${name} from '${from}';`);
  // The AI SDK's packages export names (`import { generateText } from 'ai'`); so does @google/genai (no default export).
  const impNamed = (name: string, from: string) => imports.push(lang === 'cjs' ? `const { ${name} } = require('${from}');` : `import { ${name} } from '${from}';`);
  if (ai) for (const [name, from] of ai.imports) impNamed(name, from);
  else if (lcs) for (const [name, from] of lcs.imports) impNamed(name, from);
  else imp(api === 'gemini' ? `{ ${sdk[0]} }` : sdk[0], sdk[1]);
  if (shape === 'p-map' || shape === 'p-map-limited') imp('pMap', 'p-map');
  if (shape === 'p-limit') imp('pLimit', 'p-limit');

  const module: string[] = [imports.join('\n'), ''];
  // The AI SDK's providers read the fakes' URLs from OPENAI_BASE_URL and ANTHROPIC_BASE_URL themselves.
  if (ai) module.push(...ai.lines);
  else if (lcs) module.push(...lcs.lines);
  else module.push(api === 'gemini' ? `const client = new ${sdk[0]}({ apiKey: 'test-key', httpOptions: { baseUrl: process.env.${sdk[2]} } });` : `const client = new ${sdk[0]}({ baseURL: process.env.${sdk[2]}, apiKey: 'test-key' });`);
  if (shape === 'p-limit') module.push('const limit = pLimit(2);');
  if (lang === 'ts') module.push(`interface Doc {\n  id: string;\n  text: string;\n  tags: string[];\n  score?: number;\n  seen?: boolean;\n  answer?: string;\n}`);
  module.push(docsText);
  module.push(`const SYSTEM = 'Answer in five words.';`);
  module.push(
    lang === 'ts'
      ? "function errText(e: unknown): string {\n  const err = e as { status?: number; message?: string };\n  return `${(e as object).constructor.name} ${err.status ?? '-'} ${err.message}`;\n}"
      : "function errText(e) {\n  return `${e.constructor.name} ${e.status ?? '-'} ${e.message}`;\n}",
  );
  module.push(...c.helpers);

  const mainBody = [...c.decls, ...loopDecls, "console.log('start');", loop, ...c.summary];
  if (c.features.includes('mutate-item-post') && c.item) mainBody.push(`console.log('answers', ${shape === 'for-of-shared' ? 'withCtx' : 'docs'}.map((d) => d.answer ?? '-').join(' '));`);
  const returns = c.inFunction && !concurrent && rnd() < 0.3;
  if (returns) {
    c.features.push('main-returns');
    mainBody.push(c.decls.has(`const results${T(': string[]')} = [];`) ? 'return results;' : "return 'done';");
  }
  module.push("process.on('unhandledRejection', (e) => {\n  console.log('unhandled:', errText(e));\n  process.exitCode = 1;\n});");
  if (topLevel) {
    module.push(`try {\n${indent(mainBody, '  ')}\n} catch (e) {\n  console.log('failed:', errText(e));\n  process.exitCode = 1;\n}`);
  } else {
    module.push(`async function main() {\n${indent(mainBody, '  ')}\n}`);
    module.push(`main().then(\n  (v) => console.log('returned', JSON.stringify(v) ?? '-'),\n  (e) => {\n    console.log('failed:', errText(e));\n    process.exitCode = 1;\n  },\n);`);
  }
  const text = module.join('\n\n').replace(/\n{3,}/g, '\n\n') + '\n';
  const file = lang === 'ts' ? 'main.ts' : lang === 'cjs' ? 'main.js' : 'main.mjs';
  return { name: `${ai ? 'ai' : lcs ? 'lc' : 'p'}${seed}-${n}`, file, text, lang, api, shape, features: [...new Set(c.features)], concurrent, ...(ai ? { aiSdk: true } : {}), ...(lcs ? { langchain: true } : {}) };
}

/** Where a single-call program makes its call. */
const SINGLE_PLACES = ['main', 'main', 'top-level-await', 'top-level-then'] as const;

/**
 * A program that makes one call per run, with no loop: in `main()` (awaited, in a try or not), at an ES
 * module's top level (awaited), or at a module's top level as a promise chain (`.then(ok, fail)`). Its
 * one item mentions the rejected word half the time, so the run with rejections shows the failure path.
 * What Batchwise offers it is the batch of one (strategy single-batch).
 */
export function generateSingleProgram(seed: number, n: number): GeneratedProgram {
  const rnd = prng((seed * 100_019 + n * 7907) >>> 0);
  let lang = pick(rnd, ['ts', 'ts', 'cjs', 'esm'] as const);
  const api = pick(rnd, ['chat', 'embeddings', 'responses', 'anthropic', 'gemini'] as const);
  const place = pick(rnd, SINGLE_PLACES);
  // Top-level await needs an ES module (a .ts main here runs as CommonJS).
  if (place === 'top-level-await') lang = 'esm';
  const c = { rnd, lang, api, features: [] as string[] } as unknown as Ctx;
  const T = (s: string) => ts(c, s);
  const doc = rnd() < 0.5 ? DOCS[2] : pick(rnd, DOCS.filter((d) => !d.text.includes(REJECT_TEXT)));
  const features = [`lang:${lang}`, `api:${api}`, 'shape:single', `place:${place}`];
  const f = (name: string) => features.push(name);

  const before: string[] = [];
  let prompt = 'note';
  if (rnd() < 0.4) {
    f('prompt-const');
    before.push('const prompt = `Summarize: ${note}`;');
    prompt = 'prompt';
  }
  const call = `${clientCall(c)}(${request(c, prompt)})`;
  const destructure = place !== 'top-level-then' && rnd() < 0.3;
  if (destructure) f('destructure');
  const answer = textOf(api, 'res', destructure);
  const usage = api === 'chat' && !destructure && rnd() < 0.4 ? ", 'tokens', res.usage?.total_tokens ?? '-'" : '';
  if (usage) f('reads-usage');
  const print = `console.log('answer', ${answer}${usage});`;
  const catchTo = `console.log('failed:', errText(e));\n  process.exitCode = 1;`;

  const sdk = api === 'anthropic' ? ['Anthropic', '@anthropic-ai/sdk', 'ANTHROPIC_BASE_URL'] : api === 'gemini' ? ['GoogleGenAI', '@google/genai', 'GEMINI_BASE_URL'] : ['OpenAI', 'openai', 'OPENAI_BASE_URL'];
  const name = api === 'gemini' ? `{ ${sdk[0]} }` : sdk[0];
  const module: string[] = [lang === 'cjs' ? `const ${name} = require('${sdk[1]}');` : `import ${name} from '${sdk[1]}';`];
  module.push(api === 'gemini' ? `const client = new ${sdk[0]}({ apiKey: 'test-key', httpOptions: { baseUrl: process.env.${sdk[2]} } });` : `const client = new ${sdk[0]}({ baseURL: process.env.${sdk[2]}, apiKey: 'test-key' });`);
  module.push(`const SYSTEM = 'Answer in five words.';`);
  module.push(`const note = ${JSON.stringify(doc.text).replace(/"/g, "'")};`);
  module.push(
    lang === 'ts'
      ? "function errText(e: unknown): string {\n  const err = e as { status?: number; message?: string };\n  return `${(e as object).constructor.name} ${err.status ?? '-'} ${err.message}`;\n}"
      : "function errText(e) {\n  return `${e.constructor.name} ${e.status ?? '-'} ${e.message}`;\n}",
  );
  const declared = `const ${destructure ? destructuredName(api) : 'res'} = await ${call};`;
  if (place === 'main') {
    const inTry = rnd() < 0.5;
    if (inTry) f('try');
    const steps = [...before, declared, print];
    const bodyLines = inTry ? [`try {\n${indent(steps, '  ')}\n} catch (e) {\n  console.log('caught:', errText(e));\n}`] : steps;
    module.push(`async function main()${T(': Promise<void>')} {\n${indent(["console.log('start');", ...bodyLines], '  ')}\n}`);
    module.push(`main().then(\n  () => console.log('done'),\n  (e) => {\n    ${catchTo.replace('\n  ', '\n    ')}\n  },\n);`);
  } else if (place === 'top-level-await') {
    module.push(`console.log('start');\n${before.join('\n')}${before.length ? '\n' : ''}try {\n  ${declared}\n  ${print}\n} catch (e) {\n  ${catchTo}\n}`);
  } else {
    module.push(`console.log('start');\n${before.join('\n')}${before.length ? '\n' : ''}${call}.then(\n  (res) => {\n    ${print}\n  },\n  (e) => {\n    ${catchTo.replace('\n  ', '\n    ')}\n  },\n);`);
  }
  const text = module.join('\n\n') + '\n';
  const file = lang === 'ts' ? 'main.ts' : lang === 'cjs' ? 'main.js' : 'main.mjs';
  return { name: `s${seed}-${n}`, file, text, lang, api, shape: 'single', features, concurrent: false };
}
