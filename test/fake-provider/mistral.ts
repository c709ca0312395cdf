// A local stand-in for the Mistral API (`@mistralai/mistralai`) on 127.0.0.1, following its documented
// wire format: POST /v1/chat/completions and /v1/embeddings; files (POST /v1/files, multipart with
// purpose "batch"; GET /v1/files/{id}/content); batch jobs (POST /v1/batch/jobs with input_files or
// inline requests, endpoint, model, metadata, timeout_hours; GET /v1/batch/jobs/{id}, inline outputs with
// ?inline=true; GET /v1/batch/jobs with page / page_size / model / status / created_after / metadata
// filters, newest first; POST /v1/batch/jobs/{id}/cancel), statuses QUEUED → RUNNING → SUCCESS | FAILED
// | TIMEOUT_EXCEEDED, CANCELLATION_REQUESTED → CANCELLED, output and error files as JSONL lines {id,
// custom_id, response: {status_code, body}, error}, and error bodies {object: "error", message, type,
// param, code}. `faults` injects what a network or a provider may do (./faults.ts).
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import { FaultInjector, fakeHandle, Faults, routeKey } from './faults';

export interface FakeMistralOptions {
  /** custom_ids whose request fails inside the batch with an error (no response). */
  failKeys?: string[];
  /** Requests whose body mentions this text are rejected as invalid (400), synchronously and inside a batch alike. */
  rejectText?: string;
  /** How many status checks a job stays queued/running. */
  progressSteps?: number;
  /** The status a job ends in (default SUCCESS); TIMEOUT_EXCEEDED answers the first request only, FAILED none. */
  endStatus?: 'SUCCESS' | 'FAILED' | 'TIMEOUT_EXCEEDED';
  faults?: Faults;
}

export interface FakeMistralStats {
  chatCompletions: number;
  embeddings: number;
  uploads: number;
  jobsCreated: number;
  gets: number;
  lists: number;
  cancels: number;
  downloads: number;
  /** The custom_ids of each job created, in order of creation. */
  jobKeys: string[][];
  /** The metadata of each job created. */
  jobMetadata: Record<string, string>[];
}

export interface FakeMistral {
  /** Base URL for the SDK's `serverURL`: http://127.0.0.1:PORT */
  url: string;
  stats: FakeMistralStats;
  faults: Faults;
  waitFor(route: string): Promise<void>;
  close(): Promise<void>;
}

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 24);
const now = () => Math.floor(Date.now() / 1000);
const ENDPOINTS = new Set(['/v1/chat/completions', '/v1/embeddings']);
const TERMINAL = new Set(['SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLED']);

/** The deterministic answer to a chat completion request body (wire format), the same in sync calls and inside a batch. */
export function chatCompletionFor(body: Record<string, unknown>): Record<string, unknown> {
  const messages = (body.messages as { role?: string; content?: unknown }[] | undefined) ?? [];
  const text = (m: { content?: unknown } | undefined) => (typeof m?.content === 'string' ? m.content : Array.isArray(m?.content) ? m.content.map((c: { text?: string }) => c.text ?? '').join(' ') : '');
  const words = text([...messages].reverse().find((m) => m.role === 'user')).split(/\s+/).filter(Boolean);
  const system = text(messages.find((m) => m.role === 'system'));
  return {
    id: `cmpl-${hash(body).slice(0, 16)}`,
    object: 'chat.completion',
    model: body.model,
    created: 1764892800,
    usage: { prompt_tokens: words.length + 2, completion_tokens: 7, total_tokens: words.length + 9 },
    choices: [{ index: 0, message: { role: 'assistant', content: `[${String(body.model)}] ${words.length} words, first: ${words[0] ?? ''}${system ? ` (system: ${system})` : ''}`, tool_calls: null, prefix: false }, finish_reason: 'stop' }],
  };
}

/** The deterministic answer to an embeddings request body. */
export function embeddingsFor(body: Record<string, unknown>): Record<string, unknown> {
  const inputs = typeof body.input === 'string' ? [body.input] : ((body.input as string[] | undefined) ?? []);
  return {
    id: `emb-${hash(body).slice(0, 16)}`,
    object: 'list',
    model: body.model,
    usage: { prompt_tokens: inputs.join(' ').split(/\s+/).length, completion_tokens: 0, total_tokens: inputs.join(' ').split(/\s+/).length },
    data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: [input.length, input.split(/\s+/).length, index] })),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Mistral's error body. */
function errorBody(message: string, type: string): Record<string, unknown> {
  return { object: 'error', message, type, param: null, code: null };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface StoredJob {
  job: Record<string, unknown> & { id: string; status: string; metadata: Record<string, string> | null };
  lines: { custom_id: string; body: Record<string, unknown> }[];
  checks: number;
  inline: boolean;
}

export async function startFakeMistral(options: FakeMistralOptions = {}): Promise<FakeMistral> {
  const files = new Map<string, { meta: Record<string, unknown>; content: string }>();
  const jobs = new Map<string, StoredJob>();
  const stats: FakeMistralStats = { chatCompletions: 0, embeddings: 0, uploads: 0, jobsCreated: 0, gets: 0, lists: 0, cancels: 0, downloads: 0, jobKeys: [], jobMetadata: [] };
  const failing = new Set(options.failKeys ?? []);
  const injector = new FaultInjector(options.faults);
  const rejection = () => `Invalid request: requests mentioning '${options.rejectText}' are rejected.`;
  const rejected = (body: unknown) => options.rejectText !== undefined && JSON.stringify(body).includes(options.rejectText);

  const answer = (endpoint: string, body: Record<string, unknown>) => (endpoint === '/v1/embeddings' ? embeddingsFor(body) : chatCompletionFor(body));

  const storeFile = (filename: string, content: string, purpose: string) => {
    const id = randomUUID();
    const meta = { id, object: 'file', bytes: Buffer.byteLength(content), created_at: now(), filename, purpose, sample_type: purpose === 'batch' ? 'batch_result' : 'pretrain', num_lines: content.split('\n').filter(Boolean).length, source: 'mistral', mimetype: 'application/jsonl' };
    files.set(id, { meta, content });
    return id;
  };

  const end = (s: StoredJob, status: string) => {
    const { job } = s;
    Object.assign(job, { status, completed_at: now() });
    if (status === 'FAILED' || status === 'CANCELLED') return;
    // A job that timed out answered its first request only.
    const answered = status === 'TIMEOUT_EXCEEDED' ? s.lines.slice(0, 1) : s.lines;
    const out: { customId: string; line: string }[] = [];
    const err: { customId: string; line: string }[] = [];
    for (const l of answered) {
      const id = `batch-${hash([job.id, l.custom_id]).slice(0, 8)}`;
      if (failing.has(l.custom_id)) err.push({ customId: l.custom_id, line: JSON.stringify({ id, custom_id: l.custom_id, response: null, error: { message: `request ${l.custom_id} could not be processed`, code: 3000 } }) });
      else if (rejected(l.body)) err.push({ customId: l.custom_id, line: JSON.stringify({ id, custom_id: l.custom_id, response: { status_code: 400, body: errorBody(rejection(), 'invalid_request_error') }, error: null }) });
      else out.push({ customId: l.custom_id, line: JSON.stringify({ id, custom_id: l.custom_id, response: { status_code: 200, body: answer(String(job.endpoint), { model: job.model, ...l.body }) }, error: null }) });
    }
    // A faulty provider may repeat a line, add a conflicting one, or cut one in half.
    const conflicting = (customId: string, line: string) => JSON.stringify({ ...JSON.parse(line), response: { status_code: 500, body: errorBody('Internal server error', 'internal_server_error') } });
    const outLines = injector.resultLines(out, conflicting);
    const errLines = injector.resultLines(err, conflicting);
    Object.assign(job, { completed_requests: answered.length, succeeded_requests: out.length, failed_requests: err.length });
    if (s.inline) job.outputs = [...outLines, ...errLines].flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
    else {
      if (outLines.length) job.output_file = storeFile(`${job.id}.jsonl`, outLines.join('\n') + '\n', 'batch');
      if (errLines.length) job.error_file = storeFile(`${job.id}_error.jsonl`, errLines.join('\n') + '\n', 'batch');
    }
  };

  const view = (s: StoredJob, inline: boolean) => {
    const { outputs, ...rest } = s.job;
    return inline && outputs ? s.job : rest;
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      if (!injector.begin(req, res, routeKey(req.method, path))) return;
      if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return send(res, 401, { detail: 'Unauthorized' });
      if (req.method === 'POST' && ENDPOINTS.has(path)) {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
        if (typeof body.model !== 'string') return send(res, 422, { detail: [{ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body }] });
        if (rejected(body)) return send(res, 400, errorBody(rejection(), 'invalid_request_error'));
        if (path === '/v1/embeddings') stats.embeddings++;
        else stats.chatCompletions++;
        return send(res, 200, answer(path, body));
      }
      if (req.method === 'POST' && path === '/v1/files') {
        const form = await new Response(await readBody(req), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
        const file = form.get('file');
        const purpose = String(form.get('purpose') ?? 'fine-tune');
        if (!(file instanceof Blob)) return send(res, 422, { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required' }] });
        stats.uploads++;
        const id = storeFile((file as File).name ?? 'upload.jsonl', await file.text(), purpose);
        const meta = files.get(id)!.meta;
        return send(res, 200, { ...meta, source: 'upload', sample_type: purpose === 'batch' ? 'batch_request' : 'instruct' });
      }
      const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (req.method === 'GET' && content) {
        const f = files.get(content[1]);
        if (!f) return send(res, 404, errorBody(`File ${content[1]} not found`, 'not_found'));
        stats.downloads++;
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(f.meta.purpose === 'batch' && f.meta.sample_type === 'batch_result' ? injector.download(f.content) : f.content);
      }
      if (req.method === 'POST' && path === '/v1/batch/jobs') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { input_files?: string[]; requests?: { custom_id?: string; body?: Record<string, unknown> }[]; endpoint?: string; model?: string; metadata?: Record<string, string>; timeout_hours?: number };
        if (!body.endpoint || !ENDPOINTS.has(body.endpoint)) return send(res, 422, { detail: [{ type: 'enum', loc: ['body', 'endpoint'], msg: `endpoint not supported by this fake: ${body.endpoint}` }] });
        let lines: StoredJob['lines'] = [];
        if (body.requests?.length) lines = body.requests.map((r, i) => ({ custom_id: r.custom_id ?? String(i), body: r.body ?? {} }));
        else {
          for (const id of body.input_files ?? []) {
            const f = files.get(id);
            if (!f || f.meta.purpose !== 'batch') return send(res, 400, errorBody(`Input file ${id} not found or not a batch file`, 'invalid_request_error'));
            for (const text of f.content.split('\n').filter((l) => l.trim())) {
              let line: { custom_id?: string; body?: Record<string, unknown> };
              try {
                line = JSON.parse(text);
              } catch {
                return send(res, 400, errorBody(`Input file ${id} holds a line that is not JSON`, 'invalid_request_error'));
              }
              if (typeof line.body !== 'object' || line.body === null) return send(res, 400, errorBody(`Input file ${id} holds a line without a body`, 'invalid_request_error'));
              lines.push({ custom_id: line.custom_id ?? String(lines.length), body: line.body });
            }
          }
        }
        if (lines.length === 0) return send(res, 400, errorBody('A batch job needs input_files or requests', 'invalid_request_error'));
        if (!body.model && lines.some((l) => typeof l.body.model !== 'string')) return send(res, 400, errorBody('model is required when a request body names none', 'invalid_request_error'));
        stats.jobsCreated++;
        stats.jobKeys.push(lines.map((l) => l.custom_id));
        stats.jobMetadata.push(body.metadata ?? {});
        const id = randomUUID();
        const job = {
          id,
          object: 'batch',
          input_files: body.input_files ?? [],
          metadata: body.metadata ?? null,
          endpoint: body.endpoint,
          model: body.model ?? null,
          agent_id: null,
          output_file: null,
          error_file: null,
          errors: [],
          status: 'QUEUED',
          created_at: now(),
          total_requests: lines.length,
          completed_requests: 0,
          succeeded_requests: 0,
          failed_requests: 0,
          started_at: null,
          completed_at: null,
        };
        jobs.set(id, { job, lines, checks: 0, inline: Boolean(body.requests?.length) });
        return send(res, 200, job);
      }
      if (req.method === 'GET' && path === '/v1/batch/jobs') {
        stats.lists++;
        const q = url.searchParams;
        const createdAfter = q.get('created_after') ? Date.parse(q.get('created_after')!) / 1000 : -Infinity;
        const statuses = q.getAll('status').flatMap((s) => s.split(','));
        // The metadata filter, as a JSON object or as the SDK's exploded form fields.
        let metadata: Record<string, string> = {};
        if (q.get('metadata')) metadata = JSON.parse(q.get('metadata')!) as Record<string, string>;
        const known = new Set(['page', 'page_size', 'model', 'agent_id', 'metadata', 'created_after', 'created_by_me', 'status', 'order_by']);
        for (const [k, v] of q) if (!known.has(k)) metadata[k] = v;
        const all = [...jobs.values()]
          .map((s) => s.job)
          .filter((j) => Number(j.created_at) >= Math.floor(createdAfter))
          .filter((j) => !q.get('model') || j.model === q.get('model'))
          .filter((j) => statuses.length === 0 || statuses.includes(j.status))
          .filter((j) => Object.entries(metadata).every(([k, v]) => j.metadata?.[k] === v))
          .reverse();
        const page = Number(q.get('page') ?? 0) || 0;
        const size = Math.max(1, Number(q.get('page_size') ?? 100) || 100);
        return send(res, 200, { data: all.slice(page * size, (page + 1) * size).map(({ outputs, ...j }) => j), object: 'list', total: all.length });
      }
      const m = /^\/v1\/batch\/jobs\/([^/]+)(\/cancel)?$/.exec(path);
      if (m) {
        const s = jobs.get(m[1]);
        if (!s) return send(res, 404, errorBody(`Batch job ${m[1]} not found`, 'not_found'));
        if (req.method === 'GET' && !m[2]) {
          stats.gets++;
          if (!TERMINAL.has(s.job.status) && !injector.faults.stuck) {
            s.checks++;
            if (s.job.status === 'CANCELLATION_REQUESTED') end(s, 'CANCELLED');
            else if (s.checks > (options.progressSteps ?? 2)) end(s, options.endStatus ?? 'SUCCESS');
            else Object.assign(s.job, { status: 'RUNNING', started_at: s.job.started_at ?? now() });
          }
          return send(res, 200, view(s, url.searchParams.get('inline') === 'true'));
        }
        if (req.method === 'POST' && m[2]) {
          stats.cancels++;
          if (!TERMINAL.has(s.job.status)) s.job.status = 'CANCELLATION_REQUESTED';
          return send(res, 200, view(s, false));
        }
      }
      return send(res, 404, { detail: 'Not Found' });
    } catch (err) {
      send(res, 500, errorBody(`fake server error: ${(err as Error).message}`, 'internal_server_error'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return fakeHandle({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats }, injector, server);
}
