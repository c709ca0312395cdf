// The engine over a folder on disk. Shared by the CLI and the VS Code adapter so both report the same findings.
// CONTRACT (other modules code against this; implementation lands in the same file):
//   new WorkspaceSession(rootAbsPath, options)
//   session.setOptions(options)                  – settings changed; cached parses are kept
//   session.setOverlay(relPath, text|undefined)  – unsaved editor text for a file (undefined = use disk)
//   session.invalidate(relPath)                  – a file changed on disk
//   session.analyzeFiles(relPaths, isCancelled?) – findings for call sites in those files, context from the whole workspace
//   session.analyzeAll(isCancelled?)             – findings for the whole workspace
//   session.fixFor(finding)                      – the rewrite for a finding, or the reason there is none
import type { AnalysisOptions, AnalysisResult, Finding, Fix } from '../core/model';

export type FixOutcome = { ok: true; fix: Fix } | { ok: false; reason: string };

export class WorkspaceSession {
  constructor(readonly root: string, private options: AnalysisOptions) {}
  setOptions(options: AnalysisOptions): void {
    this.options = options;
  }
  setOverlay(_relPath: string, _text: string | undefined): void {}
  invalidate(_relPath: string): void {}
  analyzeFiles(_relPaths: readonly string[], _isCancelled?: () => boolean): AnalysisResult {
    return { findings: [], errors: [] };
  }
  analyzeAll(_isCancelled?: () => boolean): AnalysisResult {
    return { findings: [], errors: [] };
  }
  fixFor(_finding: Finding): FixOutcome {
    return { ok: false, reason: 'not implemented yet' };
  }
}
