// LangChain.js model calls under the loop hoist: `invoke` of a `ChatOpenAI` or `ChatAnthropic`, and
// `embedQuery` / `embedDocuments` of an `OpenAIEmbeddings`, made in the same file, and `invoke` of a chain of
// a prompt template, such a chat model and text parsers (`prompt.pipe(model).pipe(parser)`). As for the AI SDK, the call
// stays LangChain's own: the generated bridge runs `() => model.invoke(input)` and batches the HTTP request
// LangChain's client sends, so the message parsing, the `AIMessage` and the errors are LangChain's. What a
// batch cannot keep (a stream, callbacks that run as the answer comes, a client Batchwise cannot see) is refused here.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { propertyName, unwrap } from '../syntax/nodes';
import type { Node } from '../parse/walk';
import { providerInfo } from '../detect/providers';
import type { Provider } from '../model';
import type { Binding, FileFacts } from './effects';
import { moduleOf } from './aiSdk';
import type { RewriteProvider } from './sdkVersion';

export const LANGCHAIN_HELPER = 'runLangChainBatch';

export type LangChainHelperKind = 'langchain-openai' | 'langchain-anthropic';

/** The providers whose LangChain classes the bridge batches. */
type LangChainProvider = Exclude<RewriteProvider, 'google' | 'mistral'>;

/** The provider packages and their classes the bridge batches, by provider. */
export const LANGCHAIN_PACKAGES: Record<LangChainProvider, { source: string; classes: readonly string[] }> = {
  openai: { source: '@langchain/openai', classes: ['ChatOpenAI', 'OpenAIEmbeddings'] },
  anthropic: { source: '@langchain/anthropic', classes: ['ChatAnthropic'] },
};

/**
 * The first release of each package whose client sends through the global `fetch` (openai 5, @anthropic-ai/sdk
 * 0.50; read in their package.json dependencies): the bridge holds back requests sent through it. Earlier
 * releases send through node-fetch, and their calls would go out one by one, unbatched.
 */
export const LANGCHAIN_FLOOR: Record<LangChainProvider, { version: string; why: string }> = {
  openai: { version: '0.5.14', why: 'the first release on openai 5, which sends through the global fetch' },
  anthropic: { version: '0.3.23', why: 'the first release on @anthropic-ai/sdk 0.52, which sends through the global fetch' },
};

/** The methods the bridge runs, by the api the catalogue gives their call sites. */
const METHODS: Record<string, string> = { 'langchain.invoke': 'invoke', 'langchain.embedQuery': 'embedQuery', 'langchain.embedDocuments': 'embedDocuments' };

/** Methods of a model that read it and make something new, never change it. */
const READS_MODEL = new Set(['invoke', 'batch', 'stream', 'streamEvents', 'embedQuery', 'embedDocuments', 'withStructuredOutput', 'bindTools', 'bind', 'withConfig', 'withRetry', 'withFallbacks', 'pipe', 'getNumTokens']);

const ALL_AT_ONCE = 'the batch needs every call to have sent its request before it sends them together, and a limit keeps the later calls waiting for the earlier ones\' answers, which would never come';

/** Classes that limit how many of their calls run at once unless told otherwise (`maxConcurrency`), and their default. */
const LIMITED_BY_DEFAULT: Record<string, number> = { OpenAIEmbeddings: 2 };

/** Constructor fields a batch cannot keep, and why (the others go into the request LangChain builds). */
const REFUSED_FIELDS: Record<string, string> = {
  callbacks: 'passes `callbacks`, which LangChain runs as each answer arrives, in the loop; after the rewrite they would all run at the batch\'s end',
  verbose: 'sets `verbose`, which logs each call as its answer arrives, in the loop; after the rewrite every log would come at the batch\'s end',
  maxConcurrency: `sets \`maxConcurrency\`: ${ALL_AT_ONCE}`,
  createClient: 'makes its own client (`createClient`), whose requests Batchwise cannot see',
  cache: 'sets `cache`: in the loop a repeated input is answered from the cache, after the first answer; in a batch every call is sent before any answer comes, so repeats would be sent (and charged) too, and could answer differently',
  streamUsage: 'sets `streamUsage`, which only means something for a streamed answer (batch results do not stream)',
};

/** Client settings that decide where and how requests go. */
const CLIENT_FIELDS = new Set(['configuration', 'clientOptions']);
const URL_FIELDS = new Set(['baseURL', 'anthropicApiUrl', 'apiUrl']);
const PROVIDER_HOSTS = new Set(['api.openai.com', 'api.anthropic.com']);

export interface LangChainCall {
  provider: LangChainProvider;
  helperKind: LangChainHelperKind;
  /** `model.invoke` as written: the bridge calls it. */
  fn: Node;
  /** The model's binding: it must be made before the loop, outside it. */
  model: Binding;
}

/**
 * Whether the call site is one the LangChain bridge may take: the model it is made on, and the arguments.
 * `batchCall`: the call is rewritten where it stands (`model.batch(inputs)`, `embeddings.embedDocuments(texts)`).
 */
export function langChainCallProblem(api: string, provider: string, call: TSESTree.CallExpression, facts: FileFacts): LangChainCall | string;
export function langChainCallProblem(api: string, provider: string, call: TSESTree.CallExpression, facts: FileFacts, batchCall: boolean): LangChainCall | LangChainStore | string;
export function langChainCallProblem(api: string, provider: string, call: TSESTree.CallExpression, facts: FileFacts, batchCall = false): LangChainCall | LangChainStore | string {
  const method = batchCall && api === 'langchain.batch' ? 'batch' : METHODS[api];
  if (!method) {
    const name = api.replace(/^langchain\./, '');
    if (name === 'stream') return 'a LangChain `stream` call: its chunks are read as the answer arrives, and batch results do not stream; use `invoke` to get a fix';
    return `no batch rewrite for LangChain's \`${name}\``;
  }
  if (provider !== 'openai' && provider !== 'anthropic') {
    return `a LangChain call with a ${providerInfo(provider as Provider).label} model: the batch rewrite of LangChain calls covers ChatOpenAI and OpenAIEmbeddings (@langchain/openai) and ChatAnthropic (@langchain/anthropic)`;
  }
  const callee = unwrap(call.callee);
  const object = callee.type === T.MemberExpression ? unwrap(callee.object) : null;
  const stat = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (batchCall && method === 'embedDocuments' && stat !== null && stat in STORE_EMBEDDINGS_ARGUMENT) return storeProblem(provider, call, STORE_EMBEDDINGS_ARGUMENT[stat], facts);
  if (callee.type !== T.MemberExpression || propertyName(callee.property, callee.computed) !== method || object?.type !== T.Identifier) {
    return `the call is not written as \`model.${method}(…)\` on a model made in this file`;
  }
  const made = modelProblem(provider, object, facts, batchCall && method === 'embedDocuments');
  if (typeof made === 'string') return made;
  if (call.arguments.length !== 1 || call.arguments[0].type === T.SpreadElement) {
    return call.arguments.length > 1
      ? `the call passes options (\`${facts.quote(call.arguments[1])}\`): callbacks, a signal or a config act on the live call, which a request waiting in a batch is not; pass only the input to get a fix`
      : `the call passes ${call.arguments.length === 0 ? 'no input' : 'a spread argument'}; write it as model.${method}(input) to get a fix`;
  }
  return { provider, helperKind: provider === 'openai' ? 'langchain-openai' : 'langchain-anthropic', fn: callee, model: made };
}

/** A vector store's statics that embed the documents they are given, and where they take the embeddings. */
const STORE_EMBEDDINGS_ARGUMENT: Record<string, number> = { fromDocuments: 1, fromTexts: 2 };

/** A vector store made from documents (`Store.fromDocuments(docs, embeddings, config)`) whose embeddings the bridge can batch. */
export interface LangChainStore {
  provider: 'openai';
  helperKind: 'langchain-openai';
  /** The embeddings argument: a name bound to an OpenAIEmbeddings made in this file, or one made there. */
  embeddings: TSESTree.Expression;
  index: number;
}

/**
 * `Store.fromDocuments(docs, embeddings, config)` / `Store.fromTexts(texts, metadatas, embeddings, config)`:
 * the store embeds the documents with `embeddings.embedDocuments`, which the bridge sends as one batch when
 * the embeddings are an OpenAIEmbeddings made in this file (by name, or written in the call) with settings
 * it follows. Made in the call, it is made before the arguments ahead of it after the rewrite, so those
 * must be values whose reading does nothing (names, literals, arrays and objects of them).
 */
function storeProblem(provider: LangChainProvider, call: TSESTree.CallExpression, index: number, facts: FileFacts): LangChainStore | string {
  const store = facts.quote(call.callee);
  if (provider !== 'openai') return `\`${store}\` embeds with a ${providerInfo(provider as Provider).label} model: the batch rewrite of a vector store's documents covers OpenAIEmbeddings (@langchain/openai)`;
  const args = call.arguments;
  if (args.length <= index || args.slice(0, index + 1).some((a) => a.type === T.SpreadElement)) return `\`${store}\` is not given its embeddings as argument ${index + 1}, so Batchwise cannot see which model embeds the documents; pass them there to get a fix`;
  const arg = args[index] as TSESTree.Expression;
  const embeddings = unwrap(arg);
  const write = `make them in this file as \`const embeddings = new OpenAIEmbeddings({ … })\` (imported from '@langchain/openai') and pass \`embeddings\` to get a fix`;
  if (embeddings.type === T.Identifier) {
    const made = modelProblem('openai', embeddings, facts, true, call);
    return typeof made === 'string' ? made : { provider, helperKind: 'langchain-openai', embeddings: arg, index };
  }
  if (embeddings.type !== T.NewExpression) return `the embeddings \`${facts.quote(embeddings)}\` are not an OpenAIEmbeddings Batchwise can see made; ${write}`;
  const made = constructedProblem('openai', facts.quote(embeddings.callee), embeddings, facts, true, write);
  if (made) return made;
  const ahead = args.slice(0, index).find((a) => !inert(a));
  if (ahead) return `the embeddings are made in the call, and the rewrite makes them before \`${facts.quote(ahead)}\`, which comes ahead of them and may do something as it is read; make them in a const first (\`const embeddings = ${facts.quote(embeddings)}\`) to get a fix`;
  return { provider, helperKind: 'langchain-openai', embeddings: arg, index };
}

/** A value whose reading does nothing: a name, a literal, an array or object literal of such (no calls, getters or spreads). */
function inert(node: TSESTree.Node): boolean {
  const n = unwrap(node);
  switch (n.type) {
    case T.Identifier:
    case T.Literal:
      return true;
    case T.TemplateLiteral:
      return n.expressions.every(inert);
    case T.ArrayExpression:
      return n.elements.every((e) => e !== null && e.type !== T.SpreadElement && inert(e));
    case T.ObjectExpression:
      return n.properties.every((p) => p.type === T.Property && !p.computed && p.kind === 'init' && inert(p.value));
    default:
      return false;
  }
}

/**
 * The binding of a model made in this file (`const model = new ChatOpenAI({ … })`) with settings the batch keeps; or why not.
 * `embedDocuments`: the call becomes requests the bridge builds from the instance's own settings (an OpenAIEmbeddings only).
 */
function modelProblem(provider: LangChainProvider, id: TSESTree.Identifier, facts: FileFacts, embedDocuments: boolean, inChain?: TSESTree.Node): Binding | string {
  const { source, classes: all } = LANGCHAIN_PACKAGES[provider];
  const classes = embedDocuments ? ['OpenAIEmbeddings'] : all;
  const write = `make it in this file as \`const ${id.name} = new ${classes[0]}({ … })\` (${classes.join(' or ')} imported from '${source}') to get a fix`;
  const b = facts.bindingOf(id);
  const init = b?.kind === 'const' && b.path?.length === 0 && b.declarator?.init ? unwrap(b.declarator.init) : null;
  if (!b || !init) return `the model \`${id.name}\` is made elsewhere, so Batchwise cannot see its settings (streaming, callbacks, a client of its own); ${write}`;
  if (init.type === T.CallExpression) {
    const how = init.callee.type === T.MemberExpression ? propertyName(init.callee.property, init.callee.computed) : null;
    if (how === 'bindTools') return `the model \`${id.name}\` has tools bound (\`${facts.quote(init)}\`): a tool call is a further step (an agent's), which a batch cannot take; keep this call unbatched`;
    if (how === 'pipe' || isSequenceFrom(init, facts)) return chainProblem(provider, id, b, init, facts);
    if (how === 'withStructuredOutput') return structuredProblem(provider, id, b, init, facts, inChain);
    return `the model \`${id.name}\` is made by \`${facts.quote(init)}\`, not by a LangChain chat model's constructor; ${write}`;
  }
  const made = constructedProblem(provider, id.name, init, facts, embedDocuments, write);
  if (made) return made;
  // The calls go through the model as it is when each is made: nothing may change it or hand it on.
  return usedOtherwise(id.name, b, facts, inChain) ?? b;
}

/**
 * Why a model made by `init` (`new ChatOpenAI({ … })`, `new OpenAIEmbeddings({ … })`) asks for what the batch
 * cannot do, or null: its class, and the settings written in its constructor. `name` names it in the reason.
 */
function constructedProblem(provider: LangChainProvider, name: string, init: TSESTree.Node, facts: FileFacts, embedDocuments: boolean, write: string): string | null {
  const { source, classes: all } = LANGCHAIN_PACKAGES[provider];
  const classes = embedDocuments ? ['OpenAIEmbeddings'] : all;
  if (init.type !== T.NewExpression || init.callee.type !== T.Identifier) return `the model \`${name}\` is \`${facts.quote(init)}\`; ${write}`;
  const from = moduleOf(facts.bindingOf(init.callee));
  if (from?.source !== source || !classes.includes(from.imported)) return `the model \`${name}\` is made by \`${facts.quote(init.callee)}\`, not a class of ${source} the batch rewrite covers; ${write}`;
  if (init.arguments.length > 1 || init.arguments.some((a) => a.type === T.SpreadElement)) return `the model is made with arguments Batchwise cannot read (\`${facts.quote(init)}\`); ${write}`;
  const fields = init.arguments[0] ? unwrap(init.arguments[0]) : null;
  if (fields && fields.type !== T.ObjectExpression) {
    return `the model's settings are \`${facts.quote(fields)}\`, not an object literal, so Batchwise cannot see whether they ask for what a batch cannot do (streaming, callbacks, a client of its own); write them out in the constructor to get a fix`;
  }
  const problem = fields ? (embedDocuments ? embeddingFieldsProblem(fields, facts) : fieldsProblem(fields, facts)) : null;
  if (problem) return `the model \`${name}\` ${problem}; keep this call unbatched`;
  // The bridge sends every request of the call itself: LangChain's limit on calls at once plays no part.
  const limit = embedDocuments ? undefined : LIMITED_BY_DEFAULT[from.imported];
  const unlimited = fields?.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'maxConcurrency');
  if (limit !== undefined && !unlimited) {
    return `\`${name}\` is an ${from.imported}, which runs at most ${limit} calls at once unless told otherwise (\`maxConcurrency\`); ${ALL_AT_ONCE}; set \`maxConcurrency: Infinity\` in its settings to get a fix`;
  }
  return null;
}

/**
 * Why the code uses the value bound by `b` otherwise than by calling its methods (which read it and make
 * something new) or naming it as a step of the chain `inChain` is made by; null when it does not.
 */
function usedOtherwise(name: string, b: Binding, facts: FileFacts, inChain?: TSESTree.Node): string | null {
  for (const ref of facts.referencesOf(b)) {
    const parent = facts.parents.get(ref);
    const grand = parent ? facts.parents.get(parent) : undefined;
    const method = parent?.type === T.MemberExpression && parent.object === ref ? propertyName(parent.property, parent.computed) : null;
    if (method && READS_MODEL.has(method) && grand?.type === T.CallExpression && grand.callee === parent) continue;
    if (inChain && ref.range[0] >= inChain.range[0] && ref.range[1] <= inChain.range[1]) continue;
    return `the code uses the model \`${name}\` otherwise than by calling its methods (line ${facts.line(ref)}: \`${facts.quote(parent ?? ref)}\`), so Batchwise cannot show the calls see it as the loop would; keep this call unbatched`;
  }
  return null;
}

/** The options of `withStructuredOutput` a batch keeps: they only shape the request and how its answer is parsed. */
const STRUCTURED_OPTIONS = new Set(['name', 'method', 'strict', 'includeRaw']);

/**
 * `model.withStructuredOutput(schema, { name, method, strict, includeRaw })` of a chat model made in this
 * file: LangChain builds the request (a JSON schema response format, or a forced tool) and parses the
 * answer with the schema, from the batch's answer as from the live one. The structured model's binding, or why not.
 */
function structuredProblem(provider: LangChainProvider, id: TSESTree.Identifier, b: Binding, init: TSESTree.CallExpression, facts: FileFacts, inChain?: TSESTree.Node): Binding | string {
  return structuredCallProblem(provider, init, facts, inChain ?? init) ?? usedOtherwise(id.name, b, facts, inChain) ?? b;
}

/** Why `model.withStructuredOutput(…)` (`init`, written where `within` is) asks for what a batch cannot do, or null. */
function structuredCallProblem(provider: LangChainProvider, init: TSESTree.CallExpression, facts: FileFacts, within: TSESTree.Node): string | null {
  const receiver = init.callee.type === T.MemberExpression ? unwrap(init.callee.object) : null;
  if (receiver?.type !== T.Identifier) return `\`${facts.quote(init)}\` is made on a model Batchwise cannot see; make the chat model in this file (\`const model = new ChatOpenAI({ … })\`) and call \`model.withStructuredOutput(schema)\` to get a fix`;
  if (init.arguments.length === 0 || init.arguments.length > 2 || init.arguments.some((a) => a.type === T.SpreadElement)) {
    return `\`${facts.quote(init)}\` has arguments Batchwise cannot read; pass the schema and, if any, an options object written out`;
  }
  const options = init.arguments[1] ? unwrap(init.arguments[1]) : null;
  if (options) {
    if (options.type !== T.ObjectExpression) return `the options of \`${facts.quote(init)}\` are not an object literal, so Batchwise cannot see what they ask for; write them out to get a fix`;
    for (const p of options.properties) {
      const key = p.type === T.Property ? propertyName(p.key, p.computed) : null;
      if (key === null || !STRUCTURED_OPTIONS.has(key)) return `\`${facts.quote(init)}\` sets ${key === null ? `\`${facts.quote(p)}\`` : `\`${key}\``}, which the batch rewrite does not follow (it follows ${[...STRUCTURED_OPTIONS].join(', ')}); keep this call unbatched`;
    }
  }
  const made = modelProblem(provider, receiver, facts, false, within);
  return typeof made === 'string' ? made : null;
}

/** Where LangChain's prompt templates, output parsers and sequences come from. */
const PROMPTS = new Set(['@langchain/core/prompts', 'langchain/prompts']);
const PARSERS = new Set(['@langchain/core/output_parsers', 'langchain/schema/output_parser']);
const RUNNABLES = new Set(['@langchain/core/runnables', 'langchain/schema/runnable']);
/** The prompt templates a chain may start with, and how they are made. */
const PROMPT_CLASSES = new Set(['ChatPromptTemplate', 'PromptTemplate']);
const PROMPT_MAKERS = new Set(['fromMessages', 'fromTemplate']);
/** Output parsers that only read the answer's text: they run on the batch's answer as on the live one. */
const PARSER_CLASSES = new Set(['StringOutputParser', 'JsonOutputParser']);

/** `RunnableSequence.from([…])`, `RunnableSequence` imported from LangChain's runnables. */
function isSequenceFrom(init: TSESTree.CallExpression, facts: FileFacts): boolean {
  const callee = init.callee;
  if (callee.type !== T.MemberExpression || propertyName(callee.property, callee.computed) !== 'from' || callee.object.type !== T.Identifier) return false;
  const from = moduleOf(facts.bindingOf(callee.object));
  return from !== undefined && RUNNABLES.has(from.source) && from.imported === 'RunnableSequence';
}

/** The steps of `a.pipe(b).pipe(c)` or `RunnableSequence.from([a, b, c])`, in order; null when one is a spread or a hole. */
function chainSteps(init: TSESTree.CallExpression, facts: FileFacts): Node[] | null {
  if (isSequenceFrom(init, facts)) {
    const list = init.arguments.length === 1 ? unwrap(init.arguments[0]) : null;
    if (list?.type !== T.ArrayExpression || list.elements.some((e) => e === null || e.type === T.SpreadElement)) return null;
    return list.elements.map((e) => unwrap(e as Node));
  }
  const steps: Node[] = [];
  let at: Node = init;
  while (at.type === T.CallExpression && at.callee.type === T.MemberExpression && propertyName(at.callee.property, at.callee.computed) === 'pipe') {
    if (at.arguments.length !== 1 || at.arguments[0].type === T.SpreadElement) return null;
    steps.unshift(unwrap(at.arguments[0]));
    at = unwrap(at.callee.object);
  }
  steps.unshift(at);
  return steps;
}

/** `model.withStructuredOutput(…)` written in place. */
function isStructuredCall(n: Node): n is TSESTree.CallExpression {
  return n.type === T.CallExpression && n.callee.type === T.MemberExpression && propertyName(n.callee.property, n.callee.computed) === 'withStructuredOutput';
}

/** What a step of a chain is: a prompt template, an output parser, a name bound in this file, or something else. */
function stepKind(step: Node, facts: FileFacts): 'prompt' | 'parser' | 'name' | null {
  let made = step;
  if (step.type === T.Identifier) {
    const b = facts.bindingOf(step);
    const init = b?.kind === 'const' && b.path?.length === 0 && b.declarator?.init ? unwrap(b.declarator.init) : null;
    if (!init) return null;
    if (init.type !== T.CallExpression && init.type !== T.NewExpression) return 'name';
    made = init;
  }
  if (made.type === T.NewExpression && made.callee.type === T.Identifier) {
    const from = moduleOf(facts.bindingOf(made.callee));
    if (from && PARSERS.has(from.source) && PARSER_CLASSES.has(from.imported) && made.arguments.length === 0) return 'parser';
  }
  if (made.type === T.CallExpression && made.callee.type === T.MemberExpression && made.callee.object.type === T.Identifier && PROMPT_MAKERS.has(propertyName(made.callee.property, made.callee.computed) ?? '')) {
    const from = moduleOf(facts.bindingOf(made.callee.object));
    if (from && PROMPTS.has(from.source) && PROMPT_CLASSES.has(from.imported)) return 'prompt';
  }
  return step.type === T.Identifier ? 'name' : null;
}

/**
 * A chain made in this file (`prompt.pipe(model).pipe(new StringOutputParser())`, `RunnableSequence.from([prompt,
 * model, parser])`) whose steps are a prompt template, then one chat model made in this file, then output
 * parsers that read the answer's text: each call runs the chain as before, and only the model's request waits
 * in the batch. The chain's binding, or why not.
 */
function chainProblem(provider: LangChainProvider, id: TSESTree.Identifier, b: Binding, init: TSESTree.CallExpression, facts: FileFacts): Binding | string {
  const what = `\`${id.name}\` is a chain (\`${facts.quote(init)}\`)`;
  const only = 'Batchwise follows a chain of a prompt template (ChatPromptTemplate or PromptTemplate), one chat model made in this file (or its withStructuredOutput), and StringOutputParser or JsonOutputParser';
  const steps = chainSteps(init, facts);
  if (!steps) return `${what} with a step Batchwise cannot read; ${only}`;
  let model: TSESTree.Identifier | TSESTree.CallExpression | null = null;
  for (const [i, step] of steps.entries()) {
    // The model itself, or `model.withStructuredOutput(schema)` written in place.
    if (model === null && isStructuredCall(step)) {
      model = step;
      continue;
    }
    const kind = stepKind(step, facts);
    if (kind === 'prompt' && i === 0) continue;
    if (kind === 'parser' && model !== null) continue;
    if (kind === 'name' && model === null && step.type === T.Identifier) {
      model = step;
      continue;
    }
    return `${what}, and its step \`${facts.quote(step)}\` is ${kind === 'parser' ? 'a parser before the model' : kind === 'prompt' ? 'a prompt after the first step' : 'not one Batchwise follows'}; ${only}`;
  }
  if (!model) return `${what} without a chat model Batchwise can see; ${only}`;
  const made = model.type === T.CallExpression ? structuredCallProblem(provider, model, facts, init) : modelProblem(provider, model, facts, false, init);
  return (typeof made === 'string' ? made : null) ?? usedOtherwise(id.name, b, facts) ?? b;
}

/**
 * What `embedDocuments` reads of an OpenAIEmbeddings' settings, which the bridge reads off the instance as
 * it runs (model, batchSize, stripNewLines, dimensions, and the organization for its client); and settings
 * that play no part in a batch (how many calls run at once, how often LangChain retries one).
 */
const EMBEDDING_FIELDS = new Set(['model', 'modelName', 'batchSize', 'stripNewLines', 'dimensions', 'maxConcurrency', 'maxRetries']);

/** Why an OpenAIEmbeddings' settings ask for what the bridge's `embedDocuments` does not carry into the batch, or null. */
function embeddingFieldsProblem(fields: TSESTree.ObjectExpression, facts: FileFacts): string | null {
  for (const p of fields.properties) {
    if (p.type === T.SpreadElement) return `spreads \`${facts.quote(p.argument)}\` into its settings, so Batchwise cannot see whether they ask for what the batch does not carry (a key, a client of its own)`;
    const key = propertyName(p.key, p.computed);
    if (key === null) return `has a computed setting (\`${facts.quote(p.key)}\`)`;
    if (EMBEDDING_FIELDS.has(key)) continue;
    return `sets \`${key}\`, which the batch rewrite of embedDocuments does not carry into the batch (its client reads the key and the server from the environment, as an OpenAIEmbeddings made with none of these does; it follows ${[...EMBEDDING_FIELDS].join(', ')})`;
  }
  return null;
}

/** Why the constructor's fields ask for what a batch cannot do, or null. */
function fieldsProblem(fields: TSESTree.ObjectExpression, facts: FileFacts): string | null {
  for (const p of fields.properties) {
    if (p.type === T.SpreadElement) return `spreads \`${facts.quote(p.argument)}\` into its settings, so Batchwise cannot see whether they ask for a stream, callbacks or a client of its own`;
    const key = propertyName(p.key, p.computed);
    if (key === null) return `has a computed setting (\`${facts.quote(p.key)}\`)`;
    const value = unwrap(p.value);
    if (key === 'streaming') {
      if (value.type === T.Literal && value.value === false) continue;
      return `sets \`streaming: ${facts.quote(value)}\`: LangChain then streams each answer, and batch results do not stream`;
    }
    if (key in REFUSED_FIELDS) {
      if (value.type === T.Literal && value.value === false) continue;
      if (key === 'maxConcurrency' && value.type === T.Identifier && value.name === 'Infinity') continue;
      return REFUSED_FIELDS[key];
    }
    if (value.type === T.ArrowFunctionExpression || value.type === T.FunctionExpression) return `passes a function (\`${key}\`), which LangChain calls around the live request`;
    if (URL_FIELDS.has(key)) {
      const url = urlProblem(value, facts);
      if (url) return url;
    }
    if (!CLIENT_FIELDS.has(key)) continue;
    if (value.type !== T.ObjectExpression) return `passes client settings (\`${key}\`) that are not an object literal, so Batchwise cannot see where its requests go`;
    for (const q of value.properties) {
      if (q.type === T.SpreadElement) return `spreads \`${facts.quote(q.argument)}\` into its client settings, so Batchwise cannot see where its requests go`;
      const inner = propertyName(q.key, q.computed);
      if (inner === 'fetch') return 'gives its client a `fetch` of its own, which sends the requests past the batch';
      if (inner !== null && URL_FIELDS.has(inner)) {
        const url = urlProblem(unwrap(q.value), facts);
        if (url) return url;
      }
    }
  }
  return null;
}

/** A literal base URL of a server other than the provider's (which mostly has no Batch API), or null; one read from the environment is taken as the provider's. */
function urlProblem(value: Node, facts: FileFacts): string | null {
  const literal = value.type === T.Literal && typeof value.value === 'string' ? value.value : value.type === T.TemplateLiteral && value.expressions.length === 0 ? value.quasis[0]?.value.cooked : null;
  if (literal === null || literal === undefined) return null;
  let host: string | null = null;
  try {
    host = new URL(literal).hostname;
  } catch {
    host = null;
  }
  if (host && PROVIDER_HOSTS.has(host)) return null;
  return `sends its requests to \`${facts.quote(value)}\`, a server other than the provider's own API; OpenAI-compatible servers mostly have no Files or Batch API, so the batch would fail where the call works`;
}

/** The bridge sits beside the provider's helper: batchwise/openaiBatch.ts → batchwise/langchainOpenAI.ts. */
export function langChainBridgePath(kind: LangChainHelperKind, providerHelperPath: string): string {
  const slash = providerHelperPath.lastIndexOf('/');
  const ext = /\.[cm]?[jt]s$/.exec(providerHelperPath)?.[0] ?? '';
  return `${providerHelperPath.slice(0, slash + 1)}${kind === 'langchain-openai' ? 'langchainOpenAI' : 'langchainAnthropic'}${ext}`;
}
