// What the rewrites take for an LLM call when they look at a file's other calls, by the callee as written:
// the loop hoist counts a loop body's calls (a second one is refused), and the sequential refusal lists
// a file's calls whose answers may feed a request. One list, so the two never disagree on a provider.

/** Calls whose answer is generated text, an object or a message: SDK methods, the AI SDK's functions, LangChain models. */
const GENERATION = [
  /^(generateText|generateObject|streamText|streamObject)$/,
  /\.(completions|messages|responses)\.(create|stream|parse)$/,
  /\.models\.(generateContent|generateContentStream)$/,
  /\.invoke$/,
];

/** Calls whose answer is a vector: it feeds retrieval, seldom a prompt as it is. */
const EMBEDDING = [/^(embed|embedMany)$/, /\.embeddings\.create$/, /\.models\.embedContent$/, /\.(embedQuery|embedDocuments)$/];

/** Whether a callee (`client.chat.completions.create`, `generateText`, `model.invoke`) is an LLM call; embeddings only when asked. */
export function isLlmCallee(callee: string, options: { embeddings: boolean }): boolean {
  return GENERATION.some((re) => re.test(callee)) || (options.embeddings && EMBEDDING.some((re) => re.test(callee)));
}
