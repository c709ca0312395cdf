// Editor figures come from the real-VS-Code runner (test/integration), which is being reworked.
// HOOK: that runner's owner fills in `editorFigures` (e.g. by running it, or reading the result file
// it writes); the bench prints whatever it returns beside the goals, and "not measured" for null.

export interface EditorFigures {
  /** Extension activation, ms. */
  activationMs: number | null;
  /** From opening a file with calls to its first diagnostics, engine warm, ms; and that file's raw parse, ms. */
  firstDiagnosticsMs: number | null;
  rawParseMs: number | null;
  /** Re-analysis after an edit, 95th percentile, ms. */
  reanalysisP95Ms: number | null;
  /** Longest time the extension host was blocked, ms. */
  longestBlockMs: number | null;
}

export async function editorFigures(): Promise<EditorFigures | null> {
  return null;
}
