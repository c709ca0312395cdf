// A plain LSP client for tests: spawns a language server command, speaks JSON-RPC over its stdio with
// vscode-languageserver-protocol, answers the requests a real editor answers (configuration, capability
// registration, progress tokens, applyEdit) and records what the server sends.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditParams,
  ClientCapabilities,
  ConfigurationParams,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  InitializeResult,
  LogMessageNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShowMessageNotification,
  ShowMessageParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';

/** What a full-featured editor declares (VS Code's client declares at least this). */
export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    codeLens: { refreshSupport: true },
  },
  textDocument: {
    publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
      resolveSupport: { properties: ['edit'] },
      dataSupport: true,
      isPreferredSupport: true,
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeLens: {},
  },
  window: { workDoneProgress: true, showMessage: {} },
};

export interface StartOptions {
  /** The server command and its arguments. */
  command: string[];
  root: string;
  capabilities?: ClientCapabilities;
  /** Answers workspace/configuration for the section 'batchwise' (undefined: the client has no settings). */
  settings?: () => unknown;
  initializationOptions?: unknown;
}

export class LspTestClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly messages: ShowMessageParams[] = [];
  readonly logs: string[] = [];
  readonly progress: { token: string | number; value: { kind: string; message?: string; percentage?: number } }[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly createdProgressTokens: (string | number)[] = [];
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  readonly registrations: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly versions = new Map<string, number>();
  initializeResult!: InitializeResult;

  private constructor(
    readonly connection: ProtocolConnection,
    readonly child: ChildProcess,
    readonly root: string,
  ) {}

  static async start(options: StartOptions): Promise<LspTestClient> {
    const [cmd, ...args] = options.command;
    const child = spawn(cmd, args, { cwd: options.root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(connection, child, options.root);
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => client.record(() => client.diagnostics.push(p)));
    connection.onNotification(ShowMessageNotification.type, (p) => client.record(() => client.messages.push(p)));
    connection.onNotification(LogMessageNotification.type, (p) => void client.logs.push(p.message));
    connection.onUnhandledNotification((m) => client.record(() => client.notifications.push({ method: m.method, params: m.params })));
    connection.onRequest('workspace/configuration', (p: ConfigurationParams) => p.items.map((i) => (i.section === 'batchwise' ? (options.settings?.() ?? null) : null)));
    connection.onRequest('client/registerCapability', (p: { registrations: { method: string }[] }) => {
      client.registrations.push(...p.registrations.map((r) => r.method));
      return null;
    });
    connection.onRequest(WorkDoneProgressCreateRequest.type, (p) => {
      client.createdProgressTokens.push(p.token);
      client.watchProgress(p.token);
    });
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
      client.record(() => client.appliedEdits.push(p));
      return { applied: true };
    });
    child.on('exit', () => client.record(() => undefined));
    connection.listen();
    const rootUri = pathToFileURL(options.root).href;
    try {
      client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'workspace' }],
        capabilities: options.capabilities ?? FULL_CAPABILITIES,
        initializationOptions: options.initializationOptions,
      });
    } catch (err) {
      child.kill();
      throw new Error(`initialize failed: ${(err as Error).message}\n${stderr}`);
    }
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Records the work done progress reported on `token` (in `progress`). */
  watchProgress(token: string | number): void {
    this.connection.onProgress(WorkDoneProgress.type, token, (value) => this.record(() => this.progress.push({ token, value })));
  }

  uri(rel: string): string {
    return pathToFileURL(join(this.root, rel)).href;
  }

  /** Opens a file of the workspace as the editor would (version 1), with its text from disk. */
  async open(rel: string, text = readFileSync(join(this.root, rel), 'utf8')): Promise<string> {
    const uri = this.uri(rel);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    return uri;
  }

  /** Replaces the whole text; returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async changeConfiguration(): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** The last diagnostics published for `uri` with `version`, once they arrive. */
  diagnosticsFor(uri: string, version: number, timeoutMs = 60_000): Promise<PublishDiagnosticsParams> {
    return this.until(() => [...this.diagnostics].reverse().find((d) => d.uri === uri && d.version === version), `diagnostics of ${uri} version ${version}`, timeoutMs);
  }

  /** Resolves with `find()`'s first defined value, checked now and after each message from the server. */
  until<T>(find: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
    const now = find();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = find();
        if (value === undefined && this.child.exitCode === null) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        if (value === undefined) reject(new Error(`${what}: the server exited (${this.child.exitCode})`));
        else resolve(value);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`${what}: nothing within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  async stop(): Promise<number | null> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    const code = await new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) return resolve(this.child.exitCode);
      const timer = setTimeout(() => {
        this.child.kill();
        resolve(null);
      }, 10_000);
      this.child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    this.connection.dispose();
    return code;
  }

  private record(add: () => void): void {
    add();
    for (const l of [...this.listeners]) l();
  }
}
