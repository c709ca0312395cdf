// The report page's HTML: a pure function, so the CSP and structure are testable without VS Code.
// Data never goes into the HTML; it arrives by postMessage and is written with textContent.

export interface ReportHtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderReportHtml({ cspSource, nonce, scriptUri, styleUri }: ReportHtmlInput): string {
  const csp = [`default-src 'none'`, `style-src ${cspSource}`, `img-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(styleUri)}">
<title>Batchwise: Savings Report</title>
</head>
<body>
<header>
  <h1>Batchwise savings report</h1>
  <div class="actions">
    <button id="export-markdown" type="button" data-format="markdown">Export Markdown</button>
    <button id="export-csv" type="button" data-format="csv">Export CSV</button>
    <button id="export-json" type="button" data-format="json">Export JSON</button>
    <button id="refresh" type="button">Refresh</button>
  </div>
</header>
<section id="cards" aria-label="Totals"></section>
<p id="filter-note" hidden></p>
<section id="charts" aria-label="Savings charts">
  <figure><figcaption>Monthly savings by file</figcaption><svg id="chart-file" role="img" aria-label="Monthly savings by file"></svg></figure>
  <figure><figcaption>Monthly savings by provider</figcaption><svg id="chart-provider" role="img" aria-label="Monthly savings by provider"></svg></figure>
</section>
<div id="controls">
  <label>Verdict <select id="verdict"><option value="">all</option><option>batchable</option><option>user-waiting</option><option>unknown</option></select></label>
  <label>Provider <select id="provider"><option value="">all</option></select></label>
  <label>Model <select id="model"><option value="">all</option></select></label>
  <label>Folder <select id="folder"><option value="">all</option></select></label>
  <label>Filter <input id="filter" type="search" placeholder="file, model, API"></label>
</div>
<table id="rows">
  <thead><tr>
    <th data-key="file">File</th><th data-key="line" class="num">Line</th><th data-key="provider">Provider</th><th data-key="model">Model</th>
    <th data-key="verdict">Verdict</th><th data-key="volume" class="num">Volume</th><th data-key="monthlyStandard" class="num">Cost now /mo</th><th data-key="monthlyBatch" class="num">With batch /mo</th><th data-key="monthlySavings" class="num">Savings /mo</th><th class="fix">Fix</th>
  </tr></thead>
  <tbody></tbody>
</table>
<p id="empty" hidden>No LLM API calls found.</p>
<section id="usage" aria-label="Usage report" hidden></section>
<section id="errors" hidden><h2>Files not analysed</h2><ul></ul></section>
<script nonce="${attr(nonce)}" src="${attr(scriptUri)}"></script>
</body>
</html>`;
}
