// LSP work done progress for a long request: on the client's token when the request brought one,
// else on a token the server creates (window/workDoneProgress/create) where the client supports it,
// else none. Either way the request's own cancellation and the progress's Cancel both stop the work.
import { CancellationToken, Connection, WorkDoneProgress } from 'vscode-languageserver';
import type { ScanProgress } from './report';

export interface RequestProgress {
  scan: ScanProgress;
  done(): void;
}

export async function beginProgress(
  connection: Connection,
  clientSupportsProgress: boolean,
  workDoneToken: string | number | undefined,
  request: CancellationToken,
  title: string,
): Promise<RequestProgress> {
  let send: (value: { kind: 'report'; message: string; percentage: number } | { kind: 'end' }) => void = () => undefined;
  let progressCancelled: () => boolean = () => false;
  if (workDoneToken !== undefined) {
    connection.sendProgress(WorkDoneProgress.type, workDoneToken, { kind: 'begin', title, cancellable: true, percentage: 0 });
    send = (v) => connection.sendProgress(WorkDoneProgress.type, workDoneToken, v);
  } else if (clientSupportsProgress) {
    try {
      const reporter = await connection.window.createWorkDoneProgress();
      reporter.begin(title, 0, undefined, true);
      send = (v) => (v.kind === 'end' ? reporter.done() : reporter.report(v.percentage, v.message));
      progressCancelled = () => reporter.token.isCancellationRequested;
    } catch {
      // The client refused the token: the work goes on without progress.
    }
  }
  return {
    scan: {
      isCancelled: () => request.isCancellationRequested || progressCancelled(),
      report: (message, percentage) => send({ kind: 'report', message, percentage: Math.max(0, Math.min(100, percentage)) }),
    },
    done: () => send({ kind: 'end' }),
  };
}
