// Strategy 'batch-call': a LangChain `model.batch(inputs)` is batch-shaped already, and becomes
// `runLangChainBatchAll(Array.from(inputs, (input) => () => model.invoke(input)))`: what LangChain's own
// `batch` does (an `invoke` per input, answers in input order), with every request in one provider batch.
// It rejects with a failed input's error as `batch` does (`batch` with the first to fail in time, the rewrite
// with the first in input order: the same error where one input fails).
// `embeddings.embedDocuments(texts)` of an OpenAIEmbeddings becomes `runLangChainEmbedDocuments(embeddings, texts)`:
// the requests LangChain would send, built by the bridge from the instance's own settings, in one batch.
// `Store.fromDocuments(docs, embeddings, config)` (or `fromTexts(texts, metadatas, embeddings, config)`) becomes
// `runLangChainVectorStore(embeddings, (batched) => Store.fromDocuments(docs, batched, config))`: the store is
// made with embeddings whose embedDocuments is runLangChainEmbedDocuments' (see helper.ts).
import { parseSource, TSESTree } from '../parse/parse';
import type { CallSite } from '../model';
import { SyntaxModel } from '../syntax/model';
import { factsFor, ModuleLookup } from './effects';
import { importEdits, planImports } from './helperImports';
import { keepComments } from './keepComments';
import { langChainBridgePath, langChainCallProblem } from './langchain';
import { findCall, HelperKind, helperPathFor, helperSpecifier, HoistCheck, isModuleCommonJs, lastImport, refuse } from './loopHoist';
import type { ModuleStyle } from './moduleStyle';
import { fileNames } from './names';

export const BATCH_CALL = 'batch-call';

export const LANGCHAIN_BATCH_ALL = 'runLangChainBatchAll';

export const LANGCHAIN_EMBED_DOCUMENTS = 'runLangChainEmbedDocuments';

export const LANGCHAIN_VECTOR_STORE = 'runLangChainVectorStore';

/** What `runLangChainEmbedDocuments` does otherwise than LangChain's own call: its errors are the OpenAI SDK's. */
const EMBED_DOCUMENTS_CHANGES =
  "a request that fails rejects with the OpenAI SDK's error for it, without what LangChain adds to some (a 401, 404 or 429 gets an lc_error_code and a troubleshooting link in its message); a request that fails for a passing reason (429, 5xx) is sent again in a new batch as many times as the OpenAI client retries (2), not LangChain's maxRetries (6)";

export function checkLangChainBatch(file: string, text: string, site: CallSite, helperPath: string, ast?: TSESTree.Program, style?: ModuleStyle, modules?: ModuleLookup): HoistCheck {
  const parsed = ast ? { ok: true as const, ast, text } : parseSource(file, text);
  if (!parsed.ok) return refuse(`the file does not parse (${parsed.message})`);
  const call = findCall(parsed.ast, site.range);
  if (!call) return refuse('the call is no longer where it was analysed; analyse the file again');
  const facts = factsFor(SyntaxModel.of({ file, text, ast: parsed.ast }), modules);
  const target = langChainCallProblem(site.api, site.provider, call, facts, true);
  if (typeof target === 'string') return refuse(target);
  const src = (n: { range: [number, number] }) => parsed.text.slice(n.range[0], n.range[1]);

  const helperKind: HelperKind = target.provider;
  const providerHelper = helperPathFor(helperKind, helperPath);
  const moduleKind = isModuleCommonJs(file, parsed.ast, text, style) ? 'cjs' : 'esm';
  const bridgePath = langChainBridgePath(target.helperKind, providerHelper);
  const specifier = helperSpecifier(parsed.ast, file, moduleKind, bridgePath, style);
  const used = fileNames(parsed.ast);
  // `embeddings.embedDocuments(texts)` is batch-shaped too: the bridge sends the requests it would send.
  const embedDocuments = site.api === 'langchain.embedDocuments';
  // A vector store made from documents: made with embeddings whose embedDocuments is the batch's.
  const store = 'embeddings' in target;
  const [planned] = planImports(parsed.ast, [{ specifier, name: store ? LANGCHAIN_VECTOR_STORE : embedDocuments ? LANGCHAIN_EMBED_DOCUMENTS : LANGCHAIN_BATCH_ALL }], used);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    return name;
  };
  let newText: string;
  if ('embeddings' in target) {
    const batched = fresh('batched');
    const arg = target.embeddings;
    const made = `${parsed.text.slice(call.range[0], arg.range[0])}${batched}${parsed.text.slice(arg.range[1], call.range[1])}`;
    newText = `${planned.local}(${src(arg)}, (${batched}) => ${made})`;
  } else {
    const model = src((target.fn as TSESTree.MemberExpression).object);
    const inputs = call.arguments[0];
    const input = fresh('input');
    newText = embedDocuments ? `${planned.local}(${model}, ${src(inputs)})` : `${planned.local}(Array.from(${src(inputs)}, (${input}) => () => ${model}.invoke(${input})))`;
  }
  const edits = [{ range: call.range, newText }, ...importEdits(parsed.ast, parsed.text, moduleKind, [planned], lastImport(parsed.ast))];
  // The bridge imports the provider's helper beside it as this file imports the bridge.
  const siblingExtension = /\.[cm]?js$/.exec(specifier)?.[0] ?? '';
  return {
    ok: true,
    plan: {
      edits: keepComments(parsed.text, parsed.ast.comments ?? [], edits),
      moduleKind,
      typescript: /\.[cm]?tsx?$/.test(file),
      helperKind,
      helperPath: providerHelper,
      changes: embedDocuments ? EMBED_DOCUMENTS_CHANGES : null,
      langChain: { path: bridgePath, kind: target.helperKind, siblingExtension },
    },
  };
}
