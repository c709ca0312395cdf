// A local stand-in for the Gemini API (Google Gen AI, `@google/genai`) on 127.0.0.1, following the
// documented REST wire format of v1beta as the SDK calls it: POST /v1beta/models/{model}:generateContent,
// POST /v1beta/models/{model}:batchGenerateContent with {batch: {displayName, inputConfig: {requests:
// {requests: [{request, metadata}]}}}}, batches as long-running operations ({name: 'batches/…', metadata:
// {state: BATCH_STATE_PENDING → RUNNING → SUCCEEDED | CANCELLED | EXPIRED, displayName, model, createTime,
// batchStats, output: {inlinedResponses: {inlinedResponses: [{response | error, metadata}]}}}, done}),
// GET /v1beta/batches/{id}, GET /v1beta/batches (newest first, pageSize / pageToken), POST
// /v1beta/batches/{id}:cancel, and error bodies {error: {code, message, status}}. `faults` injects what a
// network or a provider may do (./faults.ts): for inline responses, a malformed "line" is an entry with
// neither response nor error.
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { FaultInjector, fakeHandle, Faults, routeKey } from './faults';

export interface FakeGeminiOptions {
  /** Request keys (metadata.key) whose request fails inside the batch with INVALID_ARGUMENT. */
  failKeys?: string[];
  /** Requests whose body mentions this text are rejected as invalid (400), synchronously and inside a batch alike. */
  rejectText?: string;
  /** How many status checks a batch stays pending/running. */
  progressSteps?: number;
  /** The state a batch ends in (default BATCH_STATE_SUCCEEDED); EXPIRED and FAILED end without output. */
  endState?: 'BATCH_STATE_SUCCEEDED' | 'BATCH_STATE_EXPIRED' | 'BATCH_STATE_FAILED';
  faults?: Faults;
}

export interface FakeGeminiStats {
  generateContent: number;
  batchesCreated: number;
  gets: number;
  lists: number;
  cancels: number;
  /** The metadata keys of each batch created, in order of creation. */
  batchKeys: string[][];
}

export interface FakeGemini {
  /** Base URL for the SDK's `httpOptions.baseUrl`: http://127.0.0.1:PORT */
  url: string;
  stats: FakeGeminiStats;
  faults: Faults;
  waitFor(route: string): Promise<void>;
  close(): Promise<void>;
}

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 24);

/** The HTTP status each canonical error status is sent with. */
const HTTP_STATUS: Record<string, number> = { INVALID_ARGUMENT: 400, UNAUTHENTICATED: 401, PERMISSION_DENIED: 403, NOT_FOUND: 404, RESOURCE_EXHAUSTED: 429, INTERNAL: 500 };

/** The deterministic answer to a generateContent request body (wire format), the same in sync calls and inside a batch. */
export function contentFor(model: string, body: Record<string, unknown>): Record<string, unknown> {
  const contents = (body.contents as { role?: string; parts?: { text?: string }[] }[] | undefined) ?? [];
  const last = [...contents].reverse().find((c) => (c.role ?? 'user') === 'user');
  const text = (last?.parts ?? []).map((p) => p.text ?? '').join(' ');
  const words = text.split(/\s+/).filter(Boolean);
  const system = (body.systemInstruction as { parts?: { text?: string }[] } | undefined)?.parts?.[0]?.text;
  return {
    candidates: [{ content: { parts: [{ text: `[${model}] ${words.length} words, first: ${words[0] ?? ''}${system ? ` (system: ${system})` : ''}` }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: words.length + 2, candidatesTokenCount: 7, totalTokenCount: words.length + 9 },
    modelVersion: model,
    responseId: `resp_${hash([model, body]).slice(0, 12)}`,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: string, message: string): void {
  const code = HTTP_STATUS[status] ?? 500;
  send(res, code, { error: { code, message, status } });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

interface StoredBatch {
  operation: { name: string; metadata: Record<string, unknown> & { state: string }; done?: boolean; response?: unknown; error?: unknown };
  requests: { request: Record<string, unknown>; metadata?: Record<string, string> }[];
  checks: number;
}

const BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const batches = new Map<string, StoredBatch>();
  const stats: FakeGeminiStats = { generateContent: 0, batchesCreated: 0, gets: 0, lists: 0, cancels: 0, batchKeys: [] };
  const failing = new Set(options.failKeys ?? []);
  const injector = new FaultInjector(options.faults);
  let seq = 0;
  const rejection = () => `Request contains an invalid argument: requests mentioning '${options.rejectText}' are rejected.`;

  const end = (b: StoredBatch, state: string) => {
    const model = String(b.operation.metadata.model).replace(/^models\//, '');
    const now = new Date().toISOString();
    Object.assign(b.operation.metadata, { state, endTime: now, updateTime: now });
    b.operation.done = true;
    if (state !== 'BATCH_STATE_SUCCEEDED') {
      if (state === 'BATCH_STATE_FAILED') b.operation.error = { code: 13, message: 'batch failed' };
      return;
    }
    let failed = 0;
    const entries: { customId: string; line: string }[] = b.requests.map((r) => {
      const key = r.metadata?.key ?? '';
      let entry: Record<string, unknown>;
      if (options.rejectText && JSON.stringify(r.request).includes(options.rejectText)) entry = { error: { code: 3, message: rejection() } };
      else if (failing.has(key)) entry = { error: { code: 3, message: `* GenerateContentRequest.contents: contents is not specified (${key})` } };
      else entry = { response: contentFor(model, r.request) };
      if (entry.error) failed++;
      return { customId: key, line: JSON.stringify({ ...entry, ...(r.metadata ? { metadata: r.metadata } : {}) }) };
    });
    // A faulty provider may repeat an entry, add a conflicting one, or leave one without response or error.
    const conflicting = (key: string) => JSON.stringify({ error: { code: 13, message: 'Internal error encountered.' }, metadata: { key } });
    const malformed = new Set(injector.faults.malformedLines ?? []);
    const lines = injector.resultLines(entries.filter((e) => !malformed.has(e.customId)), conflicting);
    const out = entries.flatMap((e) => (malformed.has(e.customId) ? [JSON.stringify({ metadata: { key: e.customId } })] : lines.filter((l) => JSON.parse(l).metadata?.key === e.customId)));
    const output = { inlinedResponses: { inlinedResponses: out.map((l) => JSON.parse(l)) } };
    Object.assign(b.operation.metadata, { output, batchStats: { requestCount: String(b.requests.length), successfulRequestCount: String(b.requests.length - failed), failedRequestCount: String(failed) } });
    b.operation.response = { '@type': BATCH_TYPE, ...b.operation.metadata };
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      if (!injector.begin(req, res, routeKey(req.method, path))) return;
      if (!req.headers['x-goog-api-key'] && !url.searchParams.get('key')) return sendError(res, 'UNAUTHENTICATED', 'Method doesn\'t allow unregistered callers. Please use API Key or other form of API consumer identity to call this API.');
      const model = /^\/v1beta\/models\/([^/:]+):(generateContent|batchGenerateContent)$/.exec(path);
      if (req.method === 'POST' && model?.[2] === 'generateContent') {
        const body = await readJson(req);
        if (!Array.isArray(body.contents) || body.contents.length === 0) return sendError(res, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified');
        if (options.rejectText && JSON.stringify(body).includes(options.rejectText)) return sendError(res, 'INVALID_ARGUMENT', rejection());
        stats.generateContent++;
        return send(res, 200, contentFor(model[1], body));
      }
      if (req.method === 'POST' && model?.[2] === 'batchGenerateContent') {
        const body = (await readJson(req)) as { batch?: { displayName?: string; inputConfig?: { requests?: { requests?: StoredBatch['requests'] }; fileName?: string } } };
        const requests = body.batch?.inputConfig?.requests?.requests ?? [];
        if (requests.length === 0) return sendError(res, 'INVALID_ARGUMENT', 'batch.input_config: requests must not be empty');
        for (const r of requests) {
          if (!r || typeof r.request !== 'object' || !Array.isArray(r.request.contents)) return sendError(res, 'INVALID_ARGUMENT', '* BatchGenerateContentRequest.batch.input_config.requests[].request.contents: contents is not specified');
        }
        stats.batchesCreated++;
        const id = `batch_g${String(++seq).padStart(6, '0')}${hash(requests).slice(0, 8)}`;
        const now = new Date().toISOString();
        const metadata = {
          '@type': BATCH_TYPE,
          model: `models/${model[1]}`,
          displayName: body.batch?.displayName ?? '',
          createTime: now,
          updateTime: now,
          batchStats: { requestCount: String(requests.length), pendingRequestCount: String(requests.length) },
          state: 'BATCH_STATE_PENDING',
          name: `batches/${id}`,
        };
        stats.batchKeys.push(requests.map((r) => r.metadata?.key ?? ''));
        batches.set(id, { operation: { name: `batches/${id}`, metadata }, requests, checks: 0 });
        return send(res, 200, batches.get(id)!.operation);
      }
      if (req.method === 'GET' && path === '/v1beta/batches') {
        stats.lists++;
        // Newest first; pageSize (default 50), the page token an offset.
        const all = [...batches.values()].reverse().map((b) => b.operation);
        const size = Math.min(1000, Math.max(1, Number(url.searchParams.get('pageSize') ?? 50) || 50));
        const from = Number(url.searchParams.get('pageToken') ?? 0) || 0;
        const page = all.slice(from, from + size);
        return send(res, 200, { operations: page, ...(from + size < all.length ? { nextPageToken: String(from + size) } : {}) });
      }
      const m = /^\/v1beta\/batches\/([^/:]+)(:cancel)?$/.exec(path);
      if (m) {
        const b = batches.get(m[1]);
        if (!b) return sendError(res, 'NOT_FOUND', `Requested entity was not found. (batches/${m[1]})`);
        if (req.method === 'GET' && !m[2]) {
          stats.gets++;
          if (!b.operation.done && !injector.faults.stuck) {
            b.checks++;
            if (b.checks > (options.progressSteps ?? 2)) end(b, options.endState ?? 'BATCH_STATE_SUCCEEDED');
            else b.operation.metadata.state = 'BATCH_STATE_RUNNING';
          }
          return send(res, 200, b.operation);
        }
        if (req.method === 'POST' && m[2]) {
          stats.cancels++;
          if (!b.operation.done) end(b, 'BATCH_STATE_CANCELLED');
          return send(res, 200, {});
        }
      }
      return sendError(res, 'NOT_FOUND', `no route for ${req.method} ${path}`);
    } catch (err) {
      sendError(res, 'INTERNAL', `fake server error: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return fakeHandle(
    {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      stats,
    },
    injector,
    server,
  );
}
