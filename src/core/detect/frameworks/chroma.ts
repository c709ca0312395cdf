// Chroma's JavaScript client: a collection made with an embedding function (`client.getOrCreateCollection({
// name, embeddingFunction: new OpenAIEmbeddingFunction({ … }) })`) embeds through that function's provider
// whenever it is given text: `add`/`upsert`/`update` with `documents`, `query` with `queryTexts`. The call
// on the collection is the site; the provider and model are the embedding function's. A collection with no
// embedding function embeds locally (Chroma's default model) and calls no API.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { propertyName, unwrap } from '../../syntax/nodes';
import type { ModelClass } from '../catalogue';

/** The packages Chroma's OpenAI embedding function comes from: chromadb itself before 3.0, @chroma-core/openai since. */
export const CHROMA_SOURCES = ['chromadb', '@chroma-core/openai'];

/** `new OpenAIEmbeddingFunction({ openai_api_key, openai_model })` (before 3.0) or `({ apiKey, modelName })`. */
export const CHROMA_OPENAI_EMBEDDING: ModelClass = {
  id: 'chroma-openai-embedding',
  provider: 'openai',
  source: 'chromadb',
  className: 'OpenAIEmbeddingFunction',
  methods: { generate: { api: 'chroma.embed' } },
  batchEndpoint: '/v1/embeddings',
  noOutput: true,
};

/** A collection made with an embedding function: its calls given text embed it. */
export const CHROMA_COLLECTION: ModelClass = {
  id: 'chroma-collection',
  provider: null,
  source: 'chromadb',
  className: 'Collection',
  methods: { add: { api: 'chroma.embed' }, upsert: { api: 'chroma.embed' }, update: { api: 'chroma.embed' }, query: { api: 'chroma.embedQuery' } },
  batchEndpoint: null,
  noOutput: true,
};

/** The client's methods that return a collection, made (or fetched) with the options they are given. */
export const CHROMA_COLLECTION_METHODS = new Set(['getOrCreateCollection', 'getCollection', 'createCollection']);

/** The option of each collection method whose text is embedded. */
const TEXT_OPTIONS: Record<string, string> = { add: 'documents', upsert: 'documents', update: 'documents', query: 'queryTexts' };

/**
 * Whether a collection call embeds text: its options, written out, hold the text to embed (`documents`,
 * `queryTexts`). Options that are not an object literal may hold it: they count.
 */
export function chromaCallEmbeds(method: string, call: TSESTree.CallExpression): boolean {
  const key = TEXT_OPTIONS[method];
  const arg = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  if (!key || !arg) return false;
  if (arg.type !== T.ObjectExpression) return true;
  return arg.properties.some((p) => p.type === T.SpreadElement || (p.type === T.Property && propertyName(p.key, p.computed) === key));
}

/** The class of a name imported from one of Chroma's packages. */
export function chromaClassFor(source: string, name: string): ModelClass | undefined {
  return CHROMA_SOURCES.includes(source) && name === 'OpenAIEmbeddingFunction' ? CHROMA_OPENAI_EMBEDDING : undefined;
}
