// A local stand-in for the OpenAI API on 127.0.0.1, following the documented wire formats of the
// Chat Completions, Files and Batch APIs: multipart uploads, JSONL batch input (custom_id, method,
// url, body), batch objects that move through validating → in_progress → finalizing → completed,
// output and error files whose lines are {id, custom_id, response: {status_code, request_id, body}, error},
// and {"error": {message, type, param, code}} envelopes for HTTP errors. Answers are deterministic, so
// a program run against the synchronous endpoint and the same program rewritten to the batch path can
// be compared line for line. Batches are listed newest first (GET /v1/batches, `after` cursor) with the
// metadata they were created with; timestamps are the server's clock. `faults` injects what a network or
// a provider may do (./faults.ts).
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { FaultInjector, fakeHandle, Faults, routeKey } from './faults';

export interface FakeOpenAIOptions {
  /** custom_ids whose request fails inside the batch (non-2xx status in the error file). */
  failCustomIds?: string[];
  /** custom_ids whose request fails with a transient server error (500) in the first batch that holds them, and succeeds after. */
  failCustomIdsOnce?: string[];
  /** custom_ids that fail that way in the first N batches that hold them, and succeed after. */
  failCustomIdsTimes?: Record<string, number>;
  /** The batch expires: only the first N requests complete; the rest get batch_expired errors. */
  expireAfter?: number;
  /** How many status checks a batch spends in_progress before finalizing. */
  progressSteps?: number;
  /**
   * Requests whose body mentions this text are rejected as invalid (400), by the synchronous endpoint
   * and inside a batch alike, so a program and its rewrite can be compared when a request fails.
   */
  rejectText?: string;
  /** A header every request must carry (as a provider instance's own `headers` or a proxy's key would be): without it, 401. */
  requireHeader?: { name: string; value: string };
  /** Faults to inject (lost answers, resets, cut or odd result files, stuck batches); `fake.faults` changes them later. */
  faults?: Faults;
}

export interface FakeOpenAI {
  /** Base URL for the SDK: http://127.0.0.1:PORT/v1 */
  url: string;
  close(): Promise<void>;
  stats: FakeOpenAIStats;
  /** The faults in force, to change between runs. */
  faults: Faults;
  /** Resolves once the server has acted on the next request to a route (`GET /v1/batches/:id`). */
  waitFor(route: string): Promise<void>;
}

export interface FakeOpenAIStats {
  chatCompletions: number;
  fileUploads: number;
  batchesCreated: number;
  retrieves: number;
  cancels: number;
  /** The custom_ids of each batch created, in order of creation. */
  batchCustomIds: string[][];
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  created_at: number;
  content: string;
}

interface StoredBatch {
  object: Record<string, unknown> & { id: string; status: string };
  lines: { custom_id: string; body: Record<string, unknown> }[];
  checks: number;
  /** custom_ids that fail with a server error in this batch (failCustomIdsOnce). */
  transient: Set<string>;
}

const CREATED = 1_750_000_000;

/** Batch and file timestamps are the server's clock, as the API's are: a client looks for what it made since a moment by them. */
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The body of the 400 a request mentioning `rejectText` gets. */
function rejectionFor(text: string): Record<string, unknown> {
  return { error: { message: `Invalid prompt: requests mentioning '${text}' are rejected.`, type: 'invalid_request_error', param: 'messages', code: 'invalid_prompt' } };
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);
}

/** The deterministic completion for a request body: the same for the sync endpoint and inside a batch. */
export function completionFor(body: Record<string, unknown>): Record<string, unknown> {
  const messages = (body.messages as { role: string; content: unknown }[] | undefined) ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  const words = text.split(/\s+/).filter(Boolean);
  // Structured outputs on Chat Completions: `response_format: { type: 'json_schema', json_schema: { name, schema } }`.
  const format = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  const content = (format?.type === 'json_schema' ? structuredText({ type: 'json_schema', schema: format.json_schema?.schema }, body.model, words) : null) ?? `[${body.model}] ${words.length} words: ${words.slice(0, 4).join(' ').toUpperCase()}`;
  const promptTokens = messages.reduce((n, m) => n + String(m.content ?? '').split(/\s+/).filter(Boolean).length, 0);
  return {
    id: `chatcmpl-${hash(body)}`,
    object: 'chat.completion',
    created: CREATED,
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: words.length + 3, total_tokens: promptTokens + words.length + 3 },
  };
}

/**
 * For a request that asks for JSON by a schema (`text.format` of type json_schema, as structured
 * outputs do): an object with the schema's properties, made from the words (strings: the model and
 * the last words, numbers: the word count, booleans: whether it is even); otherwise null.
 */
function structuredText(format: unknown, model: unknown, words: string[]): string | null {
  const f = format as { type?: string; schema?: { properties?: Record<string, { type?: string }> } } | undefined;
  if (f?.type !== 'json_schema' || !f.schema?.properties) return null;
  const value = (type: string | undefined) => (type === 'number' || type === 'integer' ? words.length : type === 'boolean' ? words.length % 2 === 0 : `[${model}] ${words.slice(-3).join(' ').toLowerCase()}`);
  return JSON.stringify(Object.fromEntries(Object.entries(f.schema.properties).map(([key, p]) => [key, value(p.type)])));
}

/** The deterministic Responses API answer (`output_text` is the SDK's, not the wire's). */
export function responseFor(body: Record<string, unknown>): Record<string, unknown> {
  const input = typeof body.input === 'string' ? body.input : JSON.stringify(body.input ?? '');
  const words = input.split(/\s+/).filter(Boolean);
  const text = structuredText((body.text as { format?: unknown } | undefined)?.format, body.model, words) ?? `[${body.model}] ${words.length} words: ${words.slice(-3).join(' ').toLowerCase()}`;
  return {
    id: `resp_${hash(body)}`,
    object: 'response',
    created_at: CREATED,
    status: 'completed',
    model: body.model,
    output: [{ type: 'message', id: `msg_${hash(input)}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage: { input_tokens: words.length, output_tokens: 6, total_tokens: words.length + 6 },
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    metadata: {},
    temperature: 1,
    top_p: 1,
  };
}

/** Deterministic embeddings: four numbers from the text's hash (as floats, or base64 float32 when asked). */
export function embeddingsFor(body: Record<string, unknown>): Record<string, unknown> {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((text, index) => {
    const h = createHash('sha256').update(String(text)).digest();
    const vector = [0, 1, 2, 3].map((i) => Math.round((h[i] / 255) * 1000) / 1000);
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 } };
}

/** The deterministic legacy completion: the prompt's word count and its first words, as text. */
export function textCompletionFor(body: Record<string, unknown>): Record<string, unknown> {
  const prompt = Array.isArray(body.prompt) ? body.prompt.join(' ') : String(body.prompt ?? '');
  const words = prompt.split(/\s+/).filter(Boolean);
  const text = ` [${body.model}] ${words.length} words: ${words.slice(0, 3).join(' ').toLowerCase()}`;
  return {
    id: `cmpl-${hash(body)}`,
    object: 'text_completion',
    created: CREATED,
    model: body.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: words.length, completion_tokens: 7, total_tokens: words.length + 7 },
  };
}

/** Deterministic moderation: a text is flagged for violence when it mentions a weapon. */
export function moderationFor(body: Record<string, unknown>): Record<string, unknown> {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const results = inputs.map((text) => {
    const violent = /\b(sword|gun|knife)\b/i.test(String(text));
    return { flagged: violent, categories: { violence: violent, harassment: false }, category_scores: { violence: violent ? 0.91 : 0.01, harassment: 0.01 }, category_applied_input_types: { violence: ['text'], harassment: ['text'] } };
  });
  return { id: `modr-${hash(body)}`, model: body.model ?? 'omni-moderation-latest', results };
}

const ANSWERS: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
  '/v1/moderations': moderationFor,
  '/v1/completions': textCompletionFor,
  '/v1/chat/completions': completionFor,
  '/v1/responses': responseFor,
  '/v1/embeddings': embeddingsFor,
};

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `req_${hash(text).slice(0, 12)}` });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, param: string | null = null, type = 'invalid_request_error', code: string | null = null): void {
  sendJson(res, status, { error: { message, type, param, code } });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Deterministic shuffle: output order is not input order, as the Batch API documents. */
function shuffled<T>(items: T[], seed: string): T[] {
  return items
    .map((item, i) => ({ item, key: hash(`${seed}:${i}`) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((x) => x.item);
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, StoredBatch>();
  const stats: FakeOpenAIStats = { chatCompletions: 0, fileUploads: 0, batchesCreated: 0, retrieves: 0, cancels: 0, batchCustomIds: [] };
  const injector = new FaultInjector(options.faults);
  let seq = 0;
  const failing = new Set(options.failCustomIds ?? []);
  // How many more batches each transient failure is in (failCustomIdsOnce: one).
  const failOnce = new Map<string, number>([...(options.failCustomIdsOnce ?? []).map((id) => [id, 1] as const), ...Object.entries(options.failCustomIdsTimes ?? {})]);
  const failsNow = (id: string) => {
    const left = failOnce.get(id) ?? 0;
    if (left > 0) failOnce.set(id, left - 1);
    return left > 0;
  };

  const storeFile = (filename: string, purpose: string, content: string): StoredFile => {
    const file = { id: `file-${String(++seq).padStart(6, '0')}`, filename, purpose, bytes: Buffer.byteLength(content), created_at: nowSeconds(), content };
    files.set(file.id, file);
    return file;
  };
  const fileObject = (f: StoredFile) => ({ id: f.id, object: 'file', bytes: f.bytes, created_at: f.created_at, filename: f.filename, purpose: f.purpose, status: 'processed', status_details: null, expires_at: null });

  const finish = (stored: StoredBatch) => {
    const b = stored.object;
    const now = nowSeconds();
    const outputs: { customId: string; line: string }[] = [];
    const errors: { customId: string; line: string }[] = [];
    const expired = options.expireAfter !== undefined;
    stored.lines.forEach((line, i) => {
      const id = `batch_req_${hash([b.id, line.custom_id])}`;
      if (expired && i >= options.expireAfter!) {
        errors.push({ customId: line.custom_id, line: JSON.stringify({ id, custom_id: line.custom_id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }) });
      } else if (options.rejectText && JSON.stringify(line.body).includes(options.rejectText)) {
        errors.push({ customId: line.custom_id, line: JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 400, request_id: `req_${hash(id).slice(0, 12)}`, body: rejectionFor(options.rejectText) }, error: null }) });
      } else if (failing.has(line.custom_id)) {
        const body = { error: { message: `Invalid value for 'messages' in ${line.custom_id}.`, type: 'invalid_request_error', param: 'messages', code: null } };
        errors.push({ customId: line.custom_id, line: JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 400, request_id: `req_${hash(id).slice(0, 12)}`, body }, error: null }) });
      } else if (stored.transient.has(line.custom_id)) {
        const body = { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };
        errors.push({ customId: line.custom_id, line: JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 500, request_id: `req_${hash(id).slice(0, 12)}`, body }, error: null }) });
      } else {
        const answer = ANSWERS[String(b.endpoint)] ?? completionFor;
        outputs.push({ customId: line.custom_id, line: JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 200, request_id: `req_${hash(id).slice(0, 12)}`, body: answer(line.body) }, error: null }) });
      }
    });
    // A faulty provider may repeat a line, add a conflicting one, or cut one in half.
    const conflicting = (customId: string, line: string) => {
      const row = JSON.parse(line) as { id: string };
      const body = { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };
      return JSON.stringify({ ...row, response: { status_code: 500, request_id: `req_${hash([row.id, 'conflict']).slice(0, 12)}`, body }, error: null });
    };
    const written = (rows: typeof outputs, seed: string) => injector.resultLines(shuffled(rows, seed), conflicting).join('\n') + '\n';
    const output = outputs.length ? storeFile(`${b.id}_output.jsonl`, 'batch_output', written(outputs, b.id)) : null;
    const error = errors.length ? storeFile(`${b.id}_error.jsonl`, 'batch_output', written(errors, b.id + 'e')) : null;
    Object.assign(b, {
      status: expired ? 'expired' : 'completed',
      output_file_id: output?.id ?? null,
      error_file_id: error?.id ?? null,
      finalizing_at: now,
      ...(expired ? { expired_at: now } : { completed_at: now }),
      request_counts: { total: stored.lines.length, completed: outputs.length, failed: errors.length },
    });
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      if (!injector.begin(req, res, routeKey(req.method, path))) return;
      if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
        return sendError(res, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
      }
      if (options.requireHeader && req.headers[options.requireHeader.name.toLowerCase()] !== options.requireHeader.value) {
        return sendError(res, 401, `the ${options.requireHeader.name} header is missing`);
      }
      const body = await readBody(req);
      if (req.method === 'POST' && ANSWERS[path]) {
        const params = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        // Moderations pick their model when none is given; every other endpoint needs one.
        if (typeof params.model !== 'string' && path !== '/v1/moderations') return sendError(res, 400, 'you must provide a model parameter', 'model');
        if (params.stream) return sendError(res, 400, 'streaming is not supported by this fake', 'stream');
        if (options.rejectText && body.toString('utf8').includes(options.rejectText)) return sendJson(res, 400, rejectionFor(options.rejectText));
        stats.chatCompletions++;
        return sendJson(res, 200, ANSWERS[path](params));
      }
      if (req.method === 'POST' && path === '/v1/files') {
        // Multipart parsing by the platform's own WHATWG Request, not by hand.
        const form = await new Request('http://local/upload', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).formData();
        const purpose = form.get('purpose');
        const upload = form.get('file');
        if (typeof purpose !== 'string') return sendError(res, 400, "'purpose' is a required property", 'purpose');
        if (!upload || typeof upload === 'string') return sendError(res, 400, "'file' is a required property", 'file');
        stats.fileUploads++;
        return sendJson(res, 200, fileObject(storeFile((upload as File).name, purpose, await (upload as File).text())));
      }
      const fileMatch = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
      if (req.method === 'DELETE' && fileMatch && !fileMatch[2]) {
        if (!files.delete(fileMatch[1])) return sendError(res, 404, `No such File object: ${fileMatch[1]}`, 'id');
        return sendJson(res, 200, { id: fileMatch[1], object: 'file', deleted: true });
      }
      if (req.method === 'GET' && fileMatch) {
        const f = files.get(fileMatch[1]);
        if (!f) return sendError(res, 404, `No such File object: ${fileMatch[1]}`, 'id');
        if (!fileMatch[2]) return sendJson(res, 200, fileObject(f));
        const content = f.purpose === 'batch_output' ? injector.download(f.content) : f.content;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(content) });
        return res.end(content);
      }
      if (req.method === 'POST' && path === '/v1/batches') {
        const params = JSON.parse(body.toString('utf8')) as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: unknown };
        const input = params.input_file_id ? files.get(params.input_file_id) : undefined;
        if (!input) return sendError(res, 404, `No such File object: ${params.input_file_id}`, 'input_file_id');
        if (input.purpose !== 'batch') return sendError(res, 400, `File ${input.id} has purpose '${input.purpose}', expected 'batch'.`, 'input_file_id');
        if (!['/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/v1/completions', '/v1/moderations'].includes(params.endpoint ?? '')) {
          return sendError(res, 400, `Invalid endpoint: ${params.endpoint}`, 'endpoint');
        }
        if (params.completion_window !== '24h') return sendError(res, 400, "completion_window must be '24h'", 'completion_window');
        stats.batchesCreated++;
        const id = `batch_${String(++seq).padStart(6, '0')}`;
        const createdAt = nowSeconds();
        const errors: { code: string; message: string; param: string | null; line: number }[] = [];
        const lines: StoredBatch['lines'] = [];
        const seen = new Set<string>();
        const models = new Set<string>();
        input.content.split('\n').forEach((raw, i) => {
          if (!raw.trim()) return;
          let line: { custom_id?: unknown; method?: unknown; url?: unknown; body?: Record<string, unknown> };
          try {
            line = JSON.parse(raw);
          } catch {
            errors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', param: null, line: i + 1 });
            return;
          }
          if (typeof line.custom_id !== 'string' || seen.has(line.custom_id)) {
            errors.push({ code: 'duplicate_custom_id', message: 'The custom_id for this request is missing or a duplicate.', param: 'custom_id', line: i + 1 });
          }
          if (line.method !== 'POST') errors.push({ code: 'invalid_method', message: 'Only POST is supported.', param: 'method', line: i + 1 });
          if (line.url !== params.endpoint) errors.push({ code: 'mismatched_endpoint', message: `The url must match the batch endpoint ${params.endpoint}.`, param: 'url', line: i + 1 });
          if (typeof line.body?.model === 'string') models.add(line.body.model);
          else if (params.endpoint !== '/v1/moderations') errors.push({ code: 'missing_required_parameter', message: 'body.model is required.', param: 'body.model', line: i + 1 });
          seen.add(String(line.custom_id));
          lines.push({ custom_id: String(line.custom_id), body: line.body ?? {} });
        });
        if (models.size > 1) errors.push({ code: 'mismatched_model', message: 'All requests in a batch must use the same model.', param: 'body.model', line: 1 });
        const object: StoredBatch['object'] = {
          id, object: 'batch', endpoint: params.endpoint, errors: null, input_file_id: input.id, completion_window: '24h',
          status: 'validating', output_file_id: null, error_file_id: null, created_at: createdAt, in_progress_at: null,
          expires_at: createdAt + 86_400, finalizing_at: null, completed_at: null, failed_at: null, expired_at: null,
          cancelling_at: null, cancelled_at: null, request_counts: { total: 0, completed: 0, failed: 0 }, metadata: params.metadata ?? null,
          model: [...models][0],
        };
        if (errors.length) Object.assign(object, { status: 'failed', failed_at: createdAt, errors: { object: 'list', data: errors } });
        const transient = new Set(lines.map((l) => l.custom_id).filter(failsNow));
        stats.batchCustomIds.push(lines.map((l) => l.custom_id));
        batches.set(id, { object, lines, checks: 0, transient });
        return sendJson(res, 200, object);
      }
      if (req.method === 'GET' && path === '/v1/batches') {
        // Newest first, `limit` (1–100, default 20) after the `after` cursor, as the API lists them.
        const all = [...batches.values()].reverse().map((b) => b.object);
        const after = url.searchParams.get('after');
        const from = after ? all.findIndex((b) => b.id === after) + 1 : 0;
        const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
        const data = all.slice(from, from + limit);
        return sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: from + limit < all.length });
      }
      const batchMatch = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
      if (batchMatch) {
        const stored = batches.get(batchMatch[1]);
        if (!stored) return sendError(res, 404, `No batch found with id '${batchMatch[1]}'.`, 'batch_id');
        const b = stored.object;
        if (req.method === 'POST' && batchMatch[2]) {
          stats.cancels++;
          if (!['completed', 'failed', 'expired', 'cancelled'].includes(b.status)) Object.assign(b, { status: 'cancelled', cancelling_at: nowSeconds(), cancelled_at: nowSeconds() });
          return sendJson(res, 200, b);
        }
        if (req.method === 'GET' && !batchMatch[2]) {
          stats.retrieves++;
          stored.checks++;
          if (b.status === 'validating') Object.assign(b, { status: 'in_progress', in_progress_at: nowSeconds(), request_counts: { total: stored.lines.length, completed: 0, failed: 0 } });
          else if (injector.faults.stuck) {
            // a stuck batch stays in_progress
          } else if (b.status === 'in_progress' && stored.checks > (options.progressSteps ?? 2)) Object.assign(b, { status: 'finalizing', finalizing_at: nowSeconds() });
          else if (b.status === 'finalizing') finish(stored);
          return sendJson(res, 200, b);
        }
      }
      return sendError(res, 404, `Unknown request URL: ${req.method} ${path}.`, null, 'invalid_request_error', 'unknown_url');
    } catch (err) {
      sendError(res, 500, `fake server error: ${(err as Error).message}`, null, 'server_error');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return fakeHandle(
    {
      url: `http://127.0.0.1:${port}/v1`,
      stats,
    },
    injector,
    server,
  );
}
