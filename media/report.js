// Batchwise savings report (webview script). Data arrives by postMessage; every string from the
// workspace is written with textContent, never as HTML.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  /** @type {{ rows: any[], totals: any, errors: any[] } | null} */
  let report = null;
  /** @type {{ key: string, dir: number, verdict: string, provider: string, model: string, folder: string, filter: string, expanded: string[] }} */
  const state = Object.assign({ key: 'monthlySavings', dir: -1, verdict: '', provider: '', model: '', folder: '', filter: '', expanded: [] }, vscode.getState() || {});
  const SVG = 'http://www.w3.org/2000/svg';

  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const usd = (n) => (n === null || n === undefined ? '–' : n > 0 && n < 0.005 ? '<$0.01' : '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const keyOf = (r) => `${r.folder}/${r.file}:${r.line}:${r.column}`;
  const multiRoot = () => Boolean(report) && new Set(report.rows.map((r) => r.folder)).size > 1;
  /** A row's file as people name it: with its workspace folder in front when there are several. */
  const fileOf = (r) => (multiRoot() ? `${r.folder}/${r.file}` : r.file);
  /** The top-level folder a row's file is in ('.' for a file at the root). */
  const folderOf = (r) => {
    const top = r.file.includes('/') ? r.file.split('/')[0] : '.';
    return multiRoot() ? `${r.folder}/${top}` : top;
  };
  const NO_MODEL = '(unknown model)';

  function save() {
    vscode.setState(state);
  }

  function renderCards() {
    const cards = $('cards');
    cards.textContent = '';
    if (!report) return;
    const t = report.totals;
    for (const [label, value, cls] of [
      ['Call sites', String(t.callSites), ''],
      ['Batchable', String(t.batchable), ''],
      ['Monthly cost now', usd(t.monthlyStandard), ''],
      ['Monthly cost with batch', usd(t.monthlyWithBatch), ''],
      ['Monthly savings', usd(t.monthlySavings), 'savings'],
    ]) {
      const card = el('div', undefined, 'card ' + cls);
      card.append(el('div', label, 'label'), el('div', value, 'value'));
      cards.append(card);
    }
  }

  function visibleRows() {
    if (!report) return [];
    const f = state.filter.toLowerCase();
    return report.rows
      .filter((r) => !state.verdict || r.verdict === state.verdict)
      .filter((r) => !state.provider || r.provider === state.provider)
      .filter((r) => !state.model || (r.model || NO_MODEL) === state.model)
      .filter((r) => !state.folder || folderOf(r) === state.folder)
      .filter((r) => !f || [r.file, r.model || '', r.provider, r.api].some((s) => s.toLowerCase().includes(f)))
      .sort((a, b) => {
        const x = a[state.key];
        const y = b[state.key];
        const c = typeof x === 'number' || typeof y === 'number' ? (x ?? -1) - (y ?? -1) : String(x).localeCompare(String(y));
        return c * state.dir || a.file.localeCompare(b.file) || a.line - b.line;
      });
  }

  function renderRows() {
    const body = /** @type {HTMLElement} */ (document.querySelector('#rows tbody'));
    body.textContent = '';
    const rows = visibleRows();
    $('empty').hidden = !report || report.rows.length > 0;
    for (const r of rows) {
      const tr = el('tr', undefined, 'row verdict-' + r.verdict);
      tr.tabIndex = 0;
      tr.dataset.key = keyOf(r);
      const file = el('td');
      const link = el('a', fileOf(r), 'reveal');
      link.href = '#';
      link.title = 'Open the call';
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        ev.stopPropagation();
        vscode.postMessage({ type: 'reveal', folder: r.folder, file: r.file, line: r.line, column: r.column });
      });
      file.append(link);
      tr.append(
        file,
        el('td', r.line, 'num'),
        el('td', `${r.provider} ${r.api}`),
        el('td', r.model || '?'),
        el('td', r.verdict + (r.lowVolume ? ' (low volume)' : ''), 'verdict'),
        el('td', usd(r.monthlyStandard), 'num'),
        el('td', usd(r.monthlyBatch), 'num'),
        el('td', r.verdict === 'batchable' ? usd(r.monthlySavings) : '–', 'num'),
      );
      const fixCell = el('td', undefined, 'fix');
      if (r.fix && r.fix.safe) {
        const button = el('button', 'Apply fix', 'apply-fix');
        button.title = `Rewrite this call to the batch path (${r.fix.strategy})`;
        button.addEventListener('click', (ev) => {
          ev.stopPropagation();
          vscode.postMessage({ type: 'applyFix', folder: r.folder, file: r.file, line: r.line, column: r.column });
        });
        fixCell.append(button);
      }
      tr.append(fixCell);
      tr.addEventListener('click', () => {
        const k = keyOf(r);
        state.expanded = state.expanded.includes(k) ? state.expanded.filter((x) => x !== k) : [...state.expanded, k];
        save();
        renderRows();
      });
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') vscode.postMessage({ type: 'reveal', folder: r.folder, file: r.file, line: r.line, column: r.column });
      });
      body.append(tr);
      if (state.expanded.includes(keyOf(r))) {
        const detail = el('tr', undefined, 'detail');
        const td = el('td');
        td.colSpan = 9;
        td.append(el('h3', 'Evidence'));
        const ev = el('ul');
        for (const e of r.evidence) ev.append(el('li', `${e.rule}: ${e.message} (${e.file}:${e.line})`));
        td.append(ev);
        const assumptions = (r.estimate && r.estimate.assumptions) || [];
        if (assumptions.length) {
          td.append(el('h3', 'Assumptions'));
          const as = el('ul');
          for (const a of assumptions) as.append(el('li', a));
          td.append(as);
        }
        if (r.fix) td.append(el('p', `Quick Fix available: ${r.fix.strategy}`));
        else if (r.fixRefusal) td.append(el('p', `No Quick Fix: ${r.fixRefusal}`));
        detail.append(td);
        body.append(detail);
      }
    }
    for (const th of document.querySelectorAll('#rows th')) {
      const h = /** @type {HTMLElement} */ (th);
      h.setAttribute('aria-sort', h.dataset.key === state.key ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  /** Horizontal bars, drawn here: no chart library, no remote asset. Widths are SVG attributes, not inline styles. */
  function renderChart(svgId, entries) {
    const svg = /** @type {SVGSVGElement} */ (/** @type {unknown} */ ($(svgId)));
    svg.textContent = '';
    const top = entries.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 8);
    const rowH = 22;
    const labelW = 220;
    const barW = 260;
    svg.setAttribute('viewBox', `0 0 ${labelW + barW + 90} ${Math.max(1, top.length) * rowH + 4}`);
    svg.setAttribute('height', String(Math.max(1, top.length) * rowH + 4));
    if (top.length === 0) {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', '0');
      t.setAttribute('y', '16');
      t.setAttribute('class', 'chart-empty');
      t.textContent = 'No savings to chart yet.';
      svg.append(t);
      return;
    }
    const max = top[0][1];
    top.forEach(([label, value], i) => {
      const y = i * rowH + 2;
      const name = document.createElementNS(SVG, 'text');
      name.setAttribute('x', String(labelW - 6));
      name.setAttribute('y', String(y + 15));
      name.setAttribute('text-anchor', 'end');
      name.setAttribute('class', 'chart-label');
      name.textContent = label.length > 32 ? '…' + label.slice(-31) : label;
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('x', String(labelW));
      bar.setAttribute('y', String(y + 3));
      bar.setAttribute('height', String(rowH - 8));
      bar.setAttribute('width', String(Math.max(2, Math.round((value / max) * barW))));
      bar.setAttribute('class', 'chart-bar');
      const amount = document.createElementNS(SVG, 'text');
      amount.setAttribute('x', String(labelW + Math.max(2, Math.round((value / max) * barW)) + 6));
      amount.setAttribute('y', String(y + 15));
      amount.setAttribute('class', 'chart-value');
      amount.textContent = usd(value);
      svg.append(name, bar, amount);
    });
  }

  function renderCharts() {
    const byFile = new Map();
    const byProvider = new Map();
    for (const r of (report && report.rows) || []) {
      const v = r.verdict === 'batchable' ? r.monthlySavings || 0 : 0;
      byFile.set(fileOf(r), (byFile.get(fileOf(r)) || 0) + v);
      byProvider.set(r.provider, (byProvider.get(r.provider) || 0) + v);
    }
    renderChart('chart-file', [...byFile]);
    renderChart('chart-provider', [...byProvider]);
  }

  function fillSelect(id, values, current) {
    const select = /** @type {HTMLSelectElement} */ ($(id));
    while (select.options.length > 1) select.remove(1);
    for (const v of [...new Set(values)].sort()) {
      const o = /** @type {HTMLOptionElement} */ (el('option', v === '.' ? '(top level)' : v));
      o.value = v;
      select.append(o);
    }
    select.value = values.includes(current) ? current : '';
  }

  function renderErrors() {
    const section = $('errors');
    const list = /** @type {HTMLElement} */ (section.querySelector('ul'));
    list.textContent = '';
    const errors = (report && report.errors) || [];
    section.hidden = errors.length === 0;
    for (const e of errors) list.append(el('li', `${e.file}: ${e.message}`));
  }

  for (const th of document.querySelectorAll('#rows th')) {
    th.addEventListener('click', () => {
      const key = /** @type {HTMLElement} */ (th).dataset.key || 'file';
      state.dir = state.key === key ? -state.dir : key === 'file' || key === 'provider' || key === 'model' || key === 'verdict' ? 1 : -1;
      state.key = key;
      save();
      renderRows();
    });
  }
  for (const id of ['provider', 'model', 'folder']) {
    const select = /** @type {HTMLSelectElement} */ ($(id));
    select.addEventListener('change', () => {
      state[id] = select.value;
      save();
      renderRows();
    });
  }
  for (const format of ['markdown', 'csv', 'json']) {
    $('export-' + format).addEventListener('click', () => vscode.postMessage({ type: 'export', format }));
  }
  const verdict = /** @type {HTMLSelectElement} */ ($('verdict'));
  const filter = /** @type {HTMLInputElement} */ ($('filter'));
  verdict.value = state.verdict;
  filter.value = state.filter;
  verdict.addEventListener('change', () => {
    state.verdict = verdict.value;
    save();
    renderRows();
  });
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    save();
    renderRows();
  });
  $('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'report') return;
    report = m;
    fillSelect('provider', m.rows.map((r) => r.provider), state.provider);
    fillSelect('model', m.rows.map((r) => r.model || NO_MODEL), state.model);
    fillSelect('folder', m.rows.map(folderOf), state.folder);
    renderCards();
    renderCharts();
    renderRows();
    renderErrors();
  });
  vscode.postMessage({ type: 'ready' });
})();
