// The helper module's text for the project's SDK, in the language and module system the project uses.
import { typescript } from '../heavy';
import { AI_SDK_BATCH_HELPER_TS, ANTHROPIC_BATCH_HELPER_TS, BATCH_QUEUE_HELPER_TS, GEMINI_BATCH_HELPER_TS, MISTRAL_BATCH_HELPER_TS, OPENAI_BATCH_HELPER_TS } from './templates.generated';
import { HelperVariant, newestVariant, RewriteProvider } from './sdkVersion';
import type { LangChainHelperKind } from './langchain';

/** The helper modules the Quick Fix writes: a provider's batch helper, the batch queue, and the AI SDK's and LangChain's bridges to a provider's helper. */
export type HelperModuleKind = RewriteProvider | 'queue' | AiSdkHelperKind | LangChainHelperKind;
export type AiSdkHelperKind = 'ai-sdk-openai' | 'ai-sdk-anthropic';

export function helperModuleFor(helperPath: string, moduleKind: 'cjs' | 'esm', kind: HelperModuleKind = 'openai', variant?: HelperVariant, siblingExtension = ''): string {
  const source =
    kind === 'queue'
      ? BATCH_QUEUE_HELPER_TS
      : kind === 'ai-sdk-openai' || kind === 'ai-sdk-anthropic'
        ? aiSdkHelperSource(kind === 'ai-sdk-openai' ? 'openai' : 'anthropic', siblingExtension)
        : kind === 'langchain-openai' || kind === 'langchain-anthropic'
          ? langChainHelperSource(kind === 'langchain-openai' ? 'openai' : 'anthropic', siblingExtension)
        : renderTemplate(kind === 'anthropic' ? ANTHROPIC_BATCH_HELPER_TS : kind === 'google' ? GEMINI_BATCH_HELPER_TS : kind === 'mistral' ? MISTRAL_BATCH_HELPER_TS : OPENAI_BATCH_HELPER_TS, variant ?? newestVariant(kind));
  if (/\.[cm]?ts$/.test(helperPath)) return source;
  const esm = moduleKind === 'esm' || /\.mjs$/.test(helperPath);
  const { transpileModule, ModuleKind, ScriptTarget } = typescript();
  const { outputText } = transpileModule(source, {
    compilerOptions: { module: esm ? ModuleKind.ESNext : ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true, removeComments: false },
  });
  return outputText;
}

/**
 * The AI SDK bridge for one provider: it imports that provider's batch helper beside it, by the
 * extension the project's imports need (`siblingExtension`, '' or '.js', '.mjs').
 */
function aiSdkHelperSource(provider: Exclude<RewriteProvider, 'google' | 'mistral'>, siblingExtension: string, queue = true): string {
  // The queue (AiSdkBatchQueue) is the AI SDK's alone: the batch queue does not take LangChain calls.
  const text = renderTemplate(AI_SDK_BATCH_HELPER_TS, { features: new Set([provider, ...(queue ? ['queue'] : [])]), fits: '' });
  const sibling = provider === 'openai' ? 'openaiBatch' : 'anthropicBatch';
  return text.replaceAll(`from './${sibling}';`, `from './${sibling}${siblingExtension}';`).replaceAll('@sdk-provider', provider === 'openai' ? 'OpenAI' : 'Anthropic');
}

/** LangChain's `model.batch(inputs)`, rewritten (strategy 'batch-call'). */
const BATCH_ALL = `
/**
 * \`model.batch(inputs)\` through one batch: \`runLangChainBatchAll(Array.from(inputs, (input) => () => model.invoke(input)))\`
 * resolves with every answer in input order, or rejects with the error of the first input that failed
 * (\`batch\` rejects with a failed input's error too: the first to fail in time).
 */
export async function runLangChainBatchAll<Result>(requests: (() => PromiseLike<Result>)[], options: BatchRunOptions = {}): Promise<Result[]> {
  const results = await runLangChainBatch(requests, options);
  return Array.from({ length: results.length }, (_, index) => results.get(index));
}
`;

/**
 * LangChain's `embeddings.embedDocuments(texts)` of an OpenAIEmbeddings, rewritten (strategy 'batch-call'). Not
 * through LangChain's client: it sends at most `maxConcurrency` requests at once (2 unless set), and a call of
 * more texts than `batchSize` sends several, which would wait for each other's answers.
 */
const EMBED_DOCUMENTS = `
/** What an OpenAIEmbeddings' \`embedDocuments\` reads of itself. */
export interface EmbeddingsSettings {
  model: string;
  batchSize: number;
  stripNewLines: boolean;
  dimensions?: number | undefined;
  organization?: string | undefined;
}

/**
 * \`embeddings.embedDocuments(texts)\` through one batch: the requests the OpenAIEmbeddings would send (the texts
 * with line breaks made spaces unless \`stripNewLines\` is false, in slices of \`batchSize\`, with its model and
 * dimensions), and their vectors in input order. The client reads its key and server from the environment, as
 * an OpenAIEmbeddings made without them does. A failed request rejects with the error the openai client throws for it.
 */
export async function runLangChainEmbedDocuments(embeddings: EmbeddingsSettings, texts: string[], options: BatchRunOptions = {}): Promise<number[][]> {
  const inputs = embeddings.stripNewLines ? texts.map((text) => text.replace(/\\n/g, ' ')) : texts;
  // Sliced as LangChain's chunkArray slices them.
  const slices: string[][] = [];
  inputs.forEach((text, index) => (slices[Math.floor(index / embeddings.batchSize)] ??= []).push(text));
  const requests = slices.map((input) => {
    const request: OpenAI.EmbeddingCreateParams = { model: embeddings.model, input };
    if (embeddings.dimensions) request.dimensions = embeddings.dimensions;
    return request;
  });
  if (requests.length === 0) return [];
  const results = await runEmbeddingsBatch(new OpenAI({ organization: embeddings.organization }), requests, options);
  const vectors: number[][] = [];
  slices.forEach((slice, i) => {
    const { data } = results.get(i);
    for (let j = 0; j < slice.length; j++) vectors.push(data[j]!.embedding);
  });
  return vectors;
}

/**
 * \`Store.fromDocuments(docs, embeddings, config)\` or \`Store.fromTexts(texts, metadatas, embeddings, config)\` with its
 * embeddings through one batch: \`runLangChainVectorStore(embeddings, (batched) => Store.fromDocuments(docs, batched, config))\`.
 * The store is made with \`batched\`, the OpenAIEmbeddings itself in all but \`embedDocuments\` (its own fields and
 * methods, through its prototype), whose calls go as \`runLangChainEmbedDocuments\` sends them; once made, the store
 * holds \`embeddings\` again, so what it embeds later (a query, documents added to it) goes out as before.
 */
export async function runLangChainVectorStore<Embeddings extends EmbeddingsSettings & { embedDocuments(texts: string[]): Promise<number[][]> }, Store>(
  embeddings: Embeddings,
  make: (batched: Embeddings) => Promise<Store>,
  options: BatchRunOptions = {},
): Promise<Store> {
  const batched: Embeddings = Object.create(embeddings);
  batched.embedDocuments = (texts: string[]) => runLangChainEmbedDocuments(embeddings, texts, options);
  const store = await make(batched);
  if (typeof store === 'object' && store !== null && 'embeddings' in store && store.embeddings === batched) (store as { embeddings: unknown }).embeddings = embeddings;
  return store;
}
`;

/**
 * The LangChain bridge: the AI SDK's, which holds back whatever a call sends through the global `fetch`,
 * under LangChain's names. LangChain's clients take `fetch` when they are made (at a model's first call),
 * so this one wraps it as it loads, before the program's first call can make a client.
 */
function langChainHelperSource(provider: 'openai' | 'anthropic', siblingExtension: string): string {
  const bridge = aiSdkHelperSource(provider, siblingExtension, false);
  // Its own header (the comment lines it starts with) gives way to LangChain's.
  const body = bridge.slice(bridge.search(/^(?!\/\/)/m));
  const label = provider === 'openai' ? 'OpenAI' : 'Anthropic';
  const model = provider === 'openai' ? 'ChatOpenAI, OpenAIEmbeddings' : 'ChatAnthropic';
  const header = `// Generated by Batchwise. Runs LangChain.js model calls (${model}: invoke${provider === 'openai' ? ', embedQuery, embedDocuments, a vector store\'s fromDocuments and fromTexts' : ''}) through
// the ${label} batch API, at half the price of the synchronous endpoint. Each call runs as LangChain runs it, up to
// the HTTP request its client would send; that request goes into one batch with the others' (through the
// batch helper beside this file), and each call then reads its batch answer exactly as it would have read
// the provider's. So the AIMessage (content, usage_metadata, response_metadata) and the
// errors are the ones the LangChain version the project has makes of that answer.
// How the request is caught: \`fetch\` is wrapped as this module loads (LangChain's clients keep the \`fetch\`
// they find when they are made); only a call started by \`runLangChainBatch\` (told apart by an
// AsyncLocalStorage) has its POST to the provider's endpoint held back; every other request of the program
// goes out as before. A second, different request from the same call goes out as the synchronous request it is.
// Yours to edit: Batchwise never overwrites a changed copy.
`;
  const named = body
    .replaceAll('runAiSdkBatch', 'runLangChainBatch')
    .replaceAll('AiSdkBatchResults', 'LangChainBatchResults')
    .replaceAll('() => generateText({ … })', '() => model.invoke(…)')
    .replaceAll('(`() => model.invoke(…)`, generateObject, embed or embedMany)', '(`() => model.invoke(…)`, embedQuery or embedDocuments)')
    .replaceAll("the AI SDK's ends in /v1, the SDK's does not", 'the request\'s ends in /v1, the SDK\'s does not')
    .replaceAll('The AI SDK retrying', 'LangChain retrying')
    .replaceAll('the AI SDK', 'LangChain');
  return `${header}${named}${BATCH_ALL}${provider === 'openai' ? EMBED_DOCUMENTS : ''}
// LangChain's clients keep the \`fetch\` they find when they are made: the wrapped one, from here on.
wrapFetch();
`;
}

const LINE = /^(\s*)(.*?)\s*\/\/ @sdk !([\w-]+):(.*)$/;
const BLOCK_START = /^\s*\/\/ @sdk ([\w-]+) \{\s*$/;
const BLOCK_END = /^\s*\/\/ @sdk \}\s*$/;

/**
 * The template written for one SDK. The template is the newest SDK's code (so it type-checks with the
 * project); older SDKs differ at lines marked `code // @sdk !feature: other code` (the other code where
 * the SDK lacks the feature; nothing after the colon drops the line) and in blocks between
 * `// @sdk feature {` and `// @sdk }` (kept only where the SDK has it); `@sdk-fits` names the versions
 * the text fits. The marks never reach the user.
 */
export function renderTemplate(template: string, variant: { features: ReadonlySet<string>; fits: string }): string {
  const has = (feature: string) => variant.features.has(feature);
  const out: string[] = [];
  const skipping: boolean[] = [];
  for (const line of template.split('\n')) {
    const start = BLOCK_START.exec(line);
    if (start) {
      skipping.push(!has(start[1]));
      continue;
    }
    if (BLOCK_END.test(line)) {
      skipping.pop();
      continue;
    }
    if (skipping.includes(true)) continue;
    const alt = LINE.exec(line);
    if (!alt) {
      out.push(line);
      continue;
    }
    const [, indent, code, feature, replacement] = alt;
    if (has(feature)) out.push(indent + code);
    else if (replacement.trim()) out.push(indent + replacement.trim());
  }
  return out.join('\n').replaceAll('@sdk-fits', variant.fits);
}

/**
 * Why a `helperPath` setting cannot be used, or null: it must be a plain relative path inside the
 * project root (letters, digits, `_ @ . / -`; no `..` segment, no leading `/`, no drive, no empty
 * segment), as the config schema's pattern says. Symbolic links are the workspace's check (they need
 * the disk).
 */
export function helperPathProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'is not a path';
  if (/^[/\\]|^[A-Za-z]:/.test(value)) return 'is an absolute path; it must be relative to the project root';
  if (value.split('/').includes('..')) return 'leads out of the project root (a `..` segment); it must stay inside it';
  if (!/^[A-Za-z0-9_@./-]+$/.test(value)) return 'may hold only letters, digits and _ @ . / - (no backslash, space or control character)';
  if (value.split('/').some((s) => s === '' || s === '.')) return 'has an empty or `.` segment';
  return null;
}
