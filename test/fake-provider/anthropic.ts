// A local stand-in for the Anthropic API on 127.0.0.1, following the documented wire formats of the
// Messages API and Message Batches: POST /v1/messages, POST /v1/messages/batches with
// {requests: [{custom_id, params}]}, batch objects whose processing_status goes in_progress → ended
// with request_counts and a results_url, JSONL results {custom_id, result: {type: succeeded|errored|
// canceled|expired, …}} in an order that is not the input order, and {"type":"error","error":{…}} bodies.
// Batches are listed newest first (GET /v1/messages/batches, `after_id` / `before_id` cursors);
// timestamps are the server's clock. `faults` injects what a network or a provider may do (./faults.ts).
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { FaultInjector, fakeHandle, Faults, routeKey } from './faults';

export interface FakeAnthropicOptions {
  /** custom_ids whose request errors inside the batch (invalid_request_error). */
  failCustomIds?: string[];
  /** custom_ids whose request errors with a transient api_error in the first batch that holds them, and succeeds after. */
  failCustomIdsOnce?: string[];
  /** custom_ids that fail that way in the first N batches that hold them, and succeed after. */
  failCustomIdsTimes?: Record<string, number>;
  /** Only the first N requests are processed; the rest expire. */
  expireAfter?: number;
  /** How many status checks a batch stays in_progress. */
  progressSteps?: number;
  /** Requests whose params mention this text are rejected as invalid (400), synchronously and inside a batch alike. */
  rejectText?: string;
  /** Faults to inject (lost answers, resets, cut or odd results, stuck batches); `fake.faults` changes them later. */
  faults?: Faults;
}

export interface FakeAnthropic {
  /** Base URL for the SDK: http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
  stats: FakeAnthropicStats;
  /** The faults in force, to change between runs. */
  faults: Faults;
  /** Resolves once the server has acted on the next request to a route (`GET /v1/messages/batches/:id`). */
  waitFor(route: string): Promise<void>;
  /**
   * Archives an ended batch as the API does some time after it ends: the batch stays retrievable with
   * `archived_at` set, and its results are no longer served (modelled as 404 not_found_error).
   */
  archive(batchId: string): void;
}

export interface FakeAnthropicStats {
  messages: number;
  batchesCreated: number;
  retrieves: number;
  resultDownloads: number;
  cancels: number;
  /** The custom_ids of each batch created, in order of creation. */
  batchCustomIds: string[][];
}

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 24);

/** The deterministic answer to a Messages request, the same in sync calls and inside a batch. */
export function messageFor(params: Record<string, unknown>): Record<string, unknown> {
  const messages = (params.messages as { role: string; content: unknown }[] | undefined) ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  const words = text.split(/\s+/).filter(Boolean);
  const forced = forcedTool(params);
  return {
    id: `msg_${hash(params)}`,
    type: 'message',
    role: 'assistant',
    model: params.model,
    // A tool the request forces (`tool_choice: { type: 'tool', name }`) is called, with an input made from its `input_schema`.
    content: forced
      ? [{ type: 'tool_use', id: `toolu_${hash([params, forced.name]).slice(0, 20)}`, name: forced.name, input: inputFor(forced.input_schema, params.model, words) }]
      : [{ type: 'text', text: `[${params.model}] ${words.length} words, first: ${words[0] ?? ''}` }],
    stop_reason: forced ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: words.length + 2, output_tokens: 7 },
  };
}

interface Tool {
  name: string;
  input_schema?: { properties?: Record<string, { type?: string }> };
}

/** The tool `tool_choice: { type: 'tool', name }` forces, when the request lists it. */
function forcedTool(params: Record<string, unknown>): Tool | undefined {
  const choice = params.tool_choice as { type?: string; name?: string } | undefined;
  if (choice?.type !== 'tool') return undefined;
  return ((params.tools as Tool[] | undefined) ?? []).find((t) => t.name === choice.name);
}

/** An input with the schema's properties, made from the words (strings: the model and the first words, numbers: the word count, booleans: whether it is even). */
function inputFor(schema: Tool['input_schema'], model: unknown, words: string[]): Record<string, unknown> {
  const value = (type: string | undefined) => (type === 'number' || type === 'integer' ? words.length : type === 'boolean' ? words.length % 2 === 0 : `[${model}] ${words.slice(0, 2).join(' ').toLowerCase()}`);
  return Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([key, p]) => [key, value(p.type)]));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${hash(text).slice(0, 12)}` });
  res.end(text);
}

/** Error bodies carry the request id, as the API's do. */
function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { type: 'error', error: { type, message }, request_id: `req_${hash([status, type, message]).slice(0, 12)}` });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

interface StoredBatch {
  object: Record<string, unknown> & { id: string; processing_status: string };
  requests: { custom_id: string; params: Record<string, unknown> }[];
  checks: number;
  results: string | null;
  /** custom_ids that error with api_error in this batch (failCustomIdsOnce). */
  transient: Set<string>;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const batches = new Map<string, StoredBatch>();
  const stats: FakeAnthropicStats = { messages: 0, batchesCreated: 0, retrieves: 0, resultDownloads: 0, cancels: 0, batchCustomIds: [] };
  const failing = new Set(options.failCustomIds ?? []);
  // How many more batches each transient failure is in (failCustomIdsOnce: one).
  const failOnce = new Map<string, number>([...(options.failCustomIdsOnce ?? []).map((id) => [id, 1] as const), ...Object.entries(options.failCustomIdsTimes ?? {})]);
  const failsNow = (id: string) => {
    const left = failOnce.get(id) ?? 0;
    if (left > 0) failOnce.set(id, left - 1);
    return left > 0;
  };
  let seq = 0;
  let base = '';
  const injector = new FaultInjector(options.faults);

  const end = (b: StoredBatch, canceled = false) => {
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    const lines = b.requests.map((r, i) => {
      let result: Record<string, unknown>;
      if (canceled) result = { type: 'canceled' };
      else if (options.expireAfter !== undefined && i >= options.expireAfter) result = { type: 'expired' };
      else if (options.rejectText && JSON.stringify(r.params).includes(options.rejectText)) {
        result = { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: `messages: requests mentioning '${options.rejectText}' are rejected` }, request_id: `req_${hash(r.custom_id).slice(0, 12)}` } };
      } else if (failing.has(r.custom_id)) {
        result = { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: `messages: text content blocks must be non-empty (${r.custom_id})` }, request_id: `req_${hash(r.custom_id).slice(0, 12)}` } };
      } else if (b.transient.has(r.custom_id)) {
        result = { type: 'errored', error: { type: 'error', error: { type: 'api_error', message: 'Internal server error' }, request_id: `req_${hash(r.custom_id).slice(0, 12)}` } };
      } else result = { type: 'succeeded', message: messageFor(r.params) };
      counts[result.type as keyof typeof counts]++;
      return { key: hash([b.object.id, r.custom_id]), customId: r.custom_id, line: JSON.stringify({ custom_id: r.custom_id, result }) };
    });
    // A faulty provider may repeat a line, add a conflicting one, or cut one in half.
    const conflicting = (customId: string) =>
      JSON.stringify({ custom_id: customId, result: { type: 'errored', error: { type: 'error', error: { type: 'api_error', message: 'Internal server error' }, request_id: `req_${hash([customId, 'conflict']).slice(0, 12)}` } } });
    b.results = injector.resultLines(lines.sort((x, y) => (x.key < y.key ? -1 : 1)), conflicting).join('\n') + '\n';
    Object.assign(b.object, { processing_status: 'ended', ended_at: new Date().toISOString(), request_counts: counts, results_url: `${base}/v1/messages/batches/${b.object.id}/results` });
  };

  const server = createServer(async (req, res) => {
    try {
      if (!injector.begin(req, res, routeKey(req.method, new URL(req.url ?? '/', 'http://127.0.0.1').pathname))) return;
      // The API takes a key as `x-api-key`; SDK 1.x sends it as `Authorization: Bearer …`. Either is fine, neither is not.
      const bearer = /^Bearer \S+/.test(req.headers.authorization ?? '');
      if (!req.headers['x-api-key'] && !bearer) return sendError(res, 401, 'authentication_error', 'x-api-key header is required');
      if (!req.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version header is required');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      if (req.method === 'POST' && path === '/v1/messages') {
        const params = await readJson(req);
        if (typeof params.model !== 'string' || typeof params.max_tokens !== 'number') return sendError(res, 400, 'invalid_request_error', 'model and max_tokens are required');
        if (params.stream) return sendError(res, 400, 'invalid_request_error', 'streaming is not supported by this fake');
        if (options.rejectText && JSON.stringify(params).includes(options.rejectText)) return sendError(res, 400, 'invalid_request_error', `messages: requests mentioning '${options.rejectText}' are rejected`);
        stats.messages++;
        return send(res, 200, messageFor(params));
      }
      if (req.method === 'POST' && path === '/v1/messages/batches') {
        const body = (await readJson(req)) as { requests?: { custom_id?: unknown; params?: Record<string, unknown> }[] };
        const requests = body.requests ?? [];
        if (requests.length === 0) return sendError(res, 400, 'invalid_request_error', 'requests: at least one request is required');
        const seen = new Set<string>();
        for (const r of requests) {
          if (typeof r.custom_id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id) || seen.has(r.custom_id)) {
            return sendError(res, 400, 'invalid_request_error', `requests: custom_id '${String(r.custom_id)}' must be unique and match ^[a-zA-Z0-9_-]{1,64}$`);
          }
          if (r.params?.stream) return sendError(res, 400, 'invalid_request_error', 'requests: stream is not supported in message batches');
          seen.add(r.custom_id);
        }
        stats.batchesCreated++;
        const id = `msgbatch_${String(++seq).padStart(6, '0')}${hash(requests).slice(0, 8)}`;
        const object = {
          id, type: 'message_batch', processing_status: 'in_progress',
          request_counts: { processing: requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
          ended_at: null, created_at: new Date().toISOString(), expires_at: new Date(Date.now() + 86_400_000).toISOString(), archived_at: null, cancel_initiated_at: null, results_url: null,
        };
        const ids = (requests as StoredBatch['requests']).map((r) => r.custom_id);
        stats.batchCustomIds.push(ids);
        batches.set(id, { object, requests: requests as StoredBatch['requests'], checks: 0, results: null, transient: new Set(ids.filter(failsNow)) });
        return send(res, 200, object);
      }
      if (req.method === 'GET' && path === '/v1/messages/batches') {
        // Newest first; `limit` (1–1000, default 20) after the `after_id` cursor or before the `before_id` one, as the API lists them.
        const all = [...batches.values()].reverse().map((b) => b.object);
        const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
        const afterId = url.searchParams.get('after_id');
        const beforeId = url.searchParams.get('before_id');
        let from = afterId ? all.findIndex((b) => b.id === afterId) + 1 : 0;
        let to = from + limit;
        if (beforeId) {
          to = Math.max(0, all.findIndex((b) => b.id === beforeId));
          from = Math.max(0, to - limit);
        }
        const data = all.slice(from, to);
        const hasMore = beforeId ? from > 0 : to < all.length;
        return send(res, 200, { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
      }
      const m = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(path);
      if (m) {
        const b = batches.get(m[1]);
        if (!b) return sendError(res, 404, 'not_found_error', `message batch ${m[1]} not found`);
        if (req.method === 'GET' && !m[2]) {
          stats.retrieves++;
          if (b.object.processing_status === 'canceling') end(b, true);
          else if (b.object.processing_status === 'in_progress' && !injector.faults.stuck && ++b.checks > (options.progressSteps ?? 2)) end(b);
          return send(res, 200, b.object);
        }
        if (req.method === 'GET' && m[2] === '/results') {
          if (b.object.archived_at) return sendError(res, 404, 'not_found_error', `results of message batch ${b.object.id} are no longer available`);
          if (!b.results) return sendError(res, 400, 'invalid_request_error', `message batch ${b.object.id} has not ended`);
          stats.resultDownloads++;
          res.writeHead(200, { 'content-type': 'application/binary' });
          return res.end(injector.download(b.results));
        }
        if (req.method === 'POST' && m[2] === '/cancel') {
          stats.cancels++;
          if (b.object.processing_status === 'in_progress') Object.assign(b.object, { processing_status: 'canceling', cancel_initiated_at: new Date().toISOString() });
          return send(res, 200, b.object);
        }
      }
      return sendError(res, 404, 'not_found_error', `no route for ${req.method} ${path}`);
    } catch (err) {
      sendError(res, 500, 'api_error', `fake server error: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const archive = (batchId: string) => {
    const b = batches.get(batchId);
    if (!b || b.object.processing_status !== 'ended') throw new Error(`fake: no ended message batch ${batchId}`);
    b.object.archived_at = '2026-12-24T01:00:00Z';
  };
  return fakeHandle(
    {
      url: base,
      stats,
      archive,
    },
    injector,
    server,
  );
}
