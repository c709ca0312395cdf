// The Batchwise language server: the engine in its own process behind LSP, for VS Code (the extension
// is its thin client) and any other editor (`batchwise lsp --stdio`).
import {
  CodeAction,
  CodeActionKind,
  CodeLensRefreshRequest,
  Connection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializeParams,
  InitializeResult,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../package.json';
import { isSourceFile, parseSource } from '../core/parse/parse';
import { useTokenCounter } from '../core/estimate/tokens';
import type { TokenThread } from '../workspace/tokenThread';
import { startTokenWorker } from './tokens';
import { DocumentAnalyses } from './analysis';
import { EditCapabilities, offeredActions, planAction } from './codeActions';
import { savingsLenses } from './codeLens';
import { callRange, toDiagnostic } from './diagnostics';
import { hoverMarkdown } from './hover';
import { beginProgress } from './progress';
import { Reports } from './report';
import { batchwiseSection, DEFAULT_SETTINGS, Settings, toSettings } from './settings';
import { pathToUri, Workspaces } from './workspaces';
import {
  ActionData,
  APPLY_ACTION_COMMAND,
  EXPORT_REQUEST,
  ExportParams,
  ExportResult,
  isActionData,
  REPORT_CHANGED_NOTIFICATION,
  REPORT_REQUEST,
  ReportParams,
  ReportResult,
  STATUS_NOTIFICATION,
  StatusParams,
} from './protocol';

/** Why a report row's *Apply fix* waits: its file was edited after the row was computed. */
const STALE_REASON = 'the file changed since this row was computed; it updates once Batchwise has analysed the file again';
/** Test hooks (a failing scan) exist only in a server started with this variable set. */
const TEST_HOOKS = process.env.BATCHWISE_TEST_HOOKS === '1';
/** The start-up scan runs only where it is cheap; larger workspaces scan when the report is asked for. */
const STARTUP_SCAN_MAX_FILES = 5000;
/** Files whose change re-decides every open document: the project file, scripts, crons, path aliases, workflows, eval configs, served LangGraph graphs. */
const CONTEXT_FILES = /(^|\/)(batchwise\.config\.json|package\.json|tsconfig[^/]*\.json|jsconfig\.json|vercel\.json|wrangler\.toml|serverless\.yml|promptfooconfig\.ya?ml|langgraph\.json)$|(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const WATCHED = [
  '**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}',
  '**/{batchwise.config.json,package.json,tsconfig*.json,jsconfig.json,vercel.json,wrangler.toml,serverless.yml,promptfooconfig.yml,promptfooconfig.yaml,langgraph.json}',
  '**/.github/workflows/*.{yml,yaml}',
];

/** What the server tells about itself beyond LSP's serverInfo (InitializeResult allows extra fields). */
export interface BatchwiseServerInfo {
  pid: number;
}

/**
 * Serves LSP on `connection`. `tokens`: a token-counting worker started before the engine was loaded
 * (the server bundle does, so the two load side by side); without one it starts at initialize.
 */
export function startServer(connection: Connection, tokens?: TokenThread): void {
  const documents = new TextDocuments(TextDocument);
  const workspaces = new Workspaces();
  const log = (level: 'info' | 'warn' | 'error', message: string) => connection.console[level](message);
  /** A message or request whose answer nothing waits for: a failure (the client refused, or went away) is logged, never thrown. */
  const settle = (p: Promise<unknown>) => void p.catch((err: unknown) => log('warn', `${err instanceof Error ? err.message : String(err)}`));
  /** A message for the user (window/showMessage: a notification, so a client without message requests shows it too). */
  const show = (severity: 'warning' | 'error', message: string) =>
    settle(connection.sendNotification(ShowMessageNotification.type, { type: severity === 'warning' ? MessageType.Warning : MessageType.Error, message }));
  // An error in one handler must not take the server down: logged, and the server carries on.
  process.on('unhandledRejection', (reason) => log('error', `unhandled: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
  let caps: EditCapabilities = { resolveEdit: false, documentChanges: false, createFiles: false };
  let pullConfiguration = false;
  let progressSupport = false;
  let codeLensRefresh = false;
  let registerConfiguration = false;
  let registerWatchers = false;
  let folderEvents = false;
  /** Settings a client gave without workspace/configuration: initializationOptions, then didChangeConfiguration. */
  let pushedSettings: unknown;
  let settingsLoaded: Promise<void> = Promise.resolve();
  let tokensReady: Promise<void> = Promise.resolve();
  const justOpened = new Set<string>();
  /** Analyses and scans wait for the settings and the token counter. */
  const whenReady = () => Promise.all([settingsLoaded, tokensReady]).then(() => undefined);

  const analyses = new DocumentAnalyses(workspaces, {
    document: (uri) => documents.get(uri),
    openDocuments: () => documents.all(),
    ready: whenReady,
    publish: (uri, entry) => {
      const doc = documents.get(uri);
      let diagnostics: Diagnostic[] = [];
      if (entry) {
        const settings = { severity: workspaces.severityFor(entry.where), noiseFloor: workspaces.settingsFor(entry.where.folder).noiseFloor };
        const positions = doc ?? TextDocument.create(uri, 'typescript', entry.version, entry.text);
        diagnostics = entry.findings.flatMap((f) => toDiagnostic(f, settings, entry.text, (o) => positions.positionAt(o)) ?? []);
        reports.updateDocument(entry.where, uri, entry.version, entry.findings);
      }
      settle(connection.sendDiagnostics({ uri, version: doc?.version, diagnostics }));
      refreshLenses();
    },
    log,
  });
  const reports = new Reports(workspaces, {
    overlays: () => documents.all().map((d) => ({ uri: d.uri, text: d.getText(), version: d.version })),
    status: (params: StatusParams) => settle(connection.sendNotification(STATUS_NOTIFICATION, params)),
    changed: (report) => settle(connection.sendNotification(REPORT_CHANGED_NOTIFICATION, report)),
    scanned: (calibrated) => {
      // The open documents' figures come from the usage reports only once a whole scan has read them.
      if (calibrated) analyses.refreshAll();
    },
    log,
  });

  let lensTimer: ReturnType<typeof setTimeout> | undefined;
  /** Asks the client for the lenses again (they follow the findings), once for a burst of analyses. */
  function refreshLenses(): void {
    if (!codeLensRefresh || lensTimer) return;
    lensTimer = setTimeout(() => {
      lensTimer = undefined;
      settle(connection.sendRequest(CodeLensRefreshRequest.type));
    }, 50);
  }

  async function loadSettings(): Promise<void> {
    const folders = workspaces.list();
    let pulled: unknown[] = [];
    if (pullConfiguration && folders.length > 0) {
      try {
        pulled = await connection.workspace.getConfiguration(folders.map((f) => ({ scopeUri: f.uri, section: 'batchwise' })));
      } catch (err) {
        log('warn', `could not read the settings (workspace/configuration): ${(err as Error).message}`);
      }
    }
    folders.forEach((f, i) => {
      const raw = pulled[i] ?? batchwiseSection(pushedSettings);
      workspaces.setSettings(f, toSettings(raw));
    });
  }

  function settingsOf(uri: string): Settings | undefined {
    const where = workspaces.locate(uri);
    return where ? workspaces.settingsFor(where.folder) : undefined;
  }

  function startTokenCounting(): void {
    // Loading an encoding takes seconds on a busy machine: a worker does it while this thread loads the parser.
    const thread = tokens ?? startTokenWorker();
    if (!thread) return;
    tokensReady = thread.ready.then((ok) => {
      // Never on this thread: a worker that failed, or stalls on a text, leaves counts approximated, as each estimate says.
      useTokenCounter(thread.counter);
      if (ok) log('info', `token counting runs on a worker thread (encodings loaded in ${thread.loadMs} ms)`);
      else log('warn', 'the token-counting worker did not start; token counts are approximated from the text length');
    });
    connection.onExit(() => thread.dispose());
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    caps = {
      resolveEdit: c.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') ?? false,
      documentChanges: c.workspace?.workspaceEdit?.documentChanges ?? false,
      createFiles: c.workspace?.workspaceEdit?.resourceOperations?.includes('create') ?? false,
      changeAnnotations: c.workspace?.workspaceEdit?.changeAnnotationSupport !== undefined,
    };
    pullConfiguration = c.workspace?.configuration ?? false;
    progressSupport = c.window?.workDoneProgress ?? false;
    codeLensRefresh = c.workspace?.codeLens?.refreshSupport ?? false;
    registerConfiguration = c.workspace?.didChangeConfiguration?.dynamicRegistration ?? false;
    registerWatchers = c.workspace?.didChangeWatchedFiles?.dynamicRegistration ?? false;
    folderEvents = c.workspace?.workspaceFolders ?? false;
    pushedSettings = params.initializationOptions;
    const rootUri = params.rootUri ?? (params.rootPath ? pathToUri(params.rootPath) : null);
    workspaces.setFolders(params.workspaceFolders ?? (rootUri ? [{ uri: rootUri }] : []));
    startTokenCounting();
    const info: BatchwiseServerInfo = { pid: process.pid };
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [APPLY_ACTION_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'batchwise', version },
      batchwise: info,
    };
  });

  connection.onInitialized(() => {
    if (registerConfiguration) settle(connection.client.register(DidChangeConfigurationNotification.type, { section: 'batchwise' }));
    if (registerWatchers) settle(connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) }));
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        settle(
          connection.workspace.getWorkspaceFolders().then((folders) => {
            workspaces.setFolders(folders ?? []);
            settingsLoaded = loadSettings();
            analyses.refreshAll();
          }),
        );
      });
    }
    settingsLoaded = loadSettings();
    void whenReady().then(() => log('info', `ready ${Math.round(process.uptime() * 1000)} ms after the process started (settings read, token counting set up)`));
    // The parser's first use is slow (it loads the TypeScript compiler's scanner tables): take it now, beside the token worker.
    parseSource('warm-up.ts', 'const x = 1;');
    void settingsLoaded.then(() => {
      const folders = workspaces.list();
      if (folders.length === 0 || !folders.every((f) => workspaces.settingsFor(f).scanOnStartup)) return;
      setTimeout(() => {
        const files = folders.reduce((n, f) => n + workspaces.session(f).fileCount(), 0);
        if (files <= STARTUP_SCAN_MAX_FILES) void whenReady().then(() => reports.scanQuietly());
      }, 1500);
    });
  });

  documents.onDidOpen((e) => {
    justOpened.add(e.document.uri);
    analyses.schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    // Fired for an open too, right after onDidOpen: that one is already scheduled, without delay.
    if (justOpened.delete(e.document.uri)) return;
    reports.markStale(e.document.uri, STALE_REASON);
    analyses.schedule(e.document.uri);
    // A verdict depends on the callers: an edit here can change the calls of every other open file.
    analyses.scheduleOthers(e.document.uri);
  });
  documents.onDidSave((e) => analyses.schedule(e.document.uri, 0));
  documents.onDidClose((e) => {
    justOpened.delete(e.document.uri);
    analyses.forget(e.document.uri);
    reports.forget(e.document.uri);
    settle(connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
  });

  connection.onDidChangeConfiguration((params) => {
    if (!pullConfiguration && params.settings !== undefined && params.settings !== null) pushedSettings = params.settings;
    settingsLoaded = loadSettings();
    void settingsLoaded.then(() => {
      analyses.refreshAll();
      refreshLenses();
      // Usage reports calibrate through a whole scan: one runs even before the report was opened.
      reports.refresh(workspaces.list().some((f) => workspaces.settingsFor(f).usage.length > 0));
    });
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    let context = false;
    for (const change of changes) {
      const where = workspaces.locate(change.uri);
      if (!where) continue;
      where.session.invalidate(where.rel, change.type !== FileChangeType.Changed);
      if (CONTEXT_FILES.test(where.rel) || !isSourceFile(where.rel)) context = true;
    }
    if (context) {
      analyses.refreshAll();
      reports.refresh();
    } else {
      // A file changed on disk (a checkout, another tool): its callers' verdicts in open files may change too.
      analyses.scheduleOthers();
    }
  });

  connection.onHover(({ textDocument, position }) => {
    const entry = analyses.current(textDocument.uri);
    const f = entry?.findings.find((x) => {
      const r = callRange(x);
      const after = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line > b.line || (a.line === b.line && a.character >= b.character);
      return after(position, r.start) && after(r.end, position);
    });
    const noiseFloor = settingsOf(textDocument.uri)?.noiseFloor ?? DEFAULT_SETTINGS.noiseFloor;
    return f ? { contents: { kind: 'markdown', value: hoverMarkdown(f, noiseFloor) }, range: callRange(f) } : null;
  });

  connection.onCodeLens(({ textDocument }) => {
    const settings = settingsOf(textDocument.uri) ?? DEFAULT_SETTINGS;
    if (!settings.codeLens) return [];
    const entry = analyses.current(textDocument.uri);
    return entry ? savingsLenses(entry.findings, settings.noiseFloor) : [];
  });

  connection.onCodeAction(({ textDocument, context }) => {
    const entry = analyses.current(textDocument.uri);
    return entry ? offeredActions(textDocument.uri, entry, context.diagnostics, caps) : [];
  });

  function plan(data: ActionData) {
    const result = planAction(documents.get(data.uri), data, analyses, caps);
    if (!result.ok) {
      const message = `Batchwise: ${result.reason}`;
      show(result.severity, message);
    }
    return result;
  }

  connection.onCodeActionResolve((action: CodeAction) => {
    if (!isActionData(action.data)) return action;
    const result = plan(action.data);
    return result.ok ? { ...action, edit: result.edit } : action;
  });

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command !== APPLY_ACTION_COMMAND || !isActionData(args?.[0])) return false;
    const result = plan(args[0]);
    if (!result.ok) return false;
    const applied = await connection.workspace.applyEdit({ label: 'Batchwise', edit: result.edit });
    if (!applied.applied) show('error', `Batchwise: the edit could not be applied (${applied.failureReason ?? 'a file it creates may already exist'}); nothing was changed.`);
    return applied.applied;
  });

  const cancelled: ReportResult = {
    complete: false,
    folders: [],
    rows: [],
    locations: [],
    totals: { callSites: 0, batchable: 0, monthlyStandard: 0, monthlyWithBatch: 0, monthlySavings: 0, perRunSites: 0, perRunStandard: 0, perRunSavings: 0 },
    display: { monthlySavings: '', monthlyStandard: '', monthlyWithBatch: '' },
    errors: [],
    generatedAt: '',
    usage: [],
  };

  connection.onRequest(REPORT_REQUEST, async (params: ReportParams | undefined, token): Promise<ReportResult> => {
    await whenReady();
    const progress = await beginProgress(connection, progressSupport, params?.workDoneToken, token, 'Batchwise: scanning the workspace for LLM calls');
    try {
      const scan = await reports.report(params?.rescan ?? false, progress.scan);
      return scan?.report ?? cancelled;
    } finally {
      progress.done();
    }
  });

  connection.onRequest(EXPORT_REQUEST, async (params: ExportParams & { workDoneToken?: string | number }, token): Promise<ExportResult | null> => {
    if (!params || !['markdown', 'csv', 'json'].includes(params.format)) return null;
    await whenReady();
    const progress = await beginProgress(connection, progressSupport, params.workDoneToken, token, 'Batchwise: scanning the workspace for LLM calls');
    try {
      const text = await reports.export(params.format, progress.scan);
      return text === undefined ? null : { text };
    } finally {
      progress.done();
    }
  });

  if (TEST_HOOKS) connection.onRequest('batchwise/test/failNextScan', (params: { message: string }) => reports.failNextScan(params.message));

  connection.onShutdown(() => {
    analyses.dispose();
    reports.dispose();
    clearTimeout(lensTimer);
  });

  documents.listen(connection);
  connection.listen();
}
