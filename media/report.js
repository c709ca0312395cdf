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

  /** Whether any filter narrows the rows (the cards and charts then add up the rows shown). */
  const filtered = () => Boolean(state.verdict || state.provider || state.model || state.folder || state.filter);

  /** The totals of the rows shown: the report's own when nothing is filtered, else the sums of the visible rows. */
  function shownTotals(rows) {
    if (!report) return null;
    if (!filtered()) return report.totals;
    const sum = (key) => rows.reduce((a, r) => a + (r[key] || 0), 0);
    return {
      callSites: rows.length,
      batchable: rows.filter((r) => r.verdict === 'batchable').length,
      monthlyStandard: sum('monthlyStandard'),
      monthlyWithBatch: sum('monthlyBatch'),
      monthlySavings: sum('monthlySavings'),
      perRunSites: rows.filter((r) => r.perRun).length,
      perRunStandard: rows.reduce((a, r) => a + (r.perRun ? r.perRun.standard : 0), 0),
      perRunSavings: rows.reduce((a, r) => a + (r.perRun ? r.perRun.savings : 0), 0),
    };
  }

  function renderCards(rows) {
    const cards = $('cards');
    cards.textContent = '';
    const t = shownTotals(rows);
    if (!report || !t) return;
    for (const [label, value, cls] of [
      ['Call sites', filtered() ? `${t.callSites} of ${report.totals.callSites}` : String(t.callSites), 'sites'],
      ['Batchable', String(t.batchable), 'batchable'],
      ['Monthly cost now', usd(t.monthlyStandard), 'now'],
      ['Monthly cost with batch', usd(t.monthlyWithBatch), 'with-batch'],
      ['Monthly savings', usd(t.monthlySavings), 'savings'],
      // Per-run figures (one-off scripts, runs not in the code) are never added to the monthly ones.
      ...(t.perRunSites ? [[`Per run, ${t.perRunSites} site${t.perRunSites === 1 ? '' : 's'} (not monthly)`, `${usd(t.perRunSavings)} saved of ${usd(t.perRunStandard)}`, 'per-run']] : []),
    ]) {
      const card = el('div', undefined, 'card ' + cls);
      card.append(el('div', label, 'label'), el('div', value, 'value'));
      cards.append(card);
    }
    const note = $('filter-note');
    note.hidden = !filtered();
    note.textContent = filtered() ? 'The cards and charts add up the rows the filters show.' : '';
  }

  /** An evidence fact's sentence and its place, the place left out when the sentence already names it. */
  const evidenceLine = (e) => (e.message.includes(`${e.file}:${e.line}`) ? e.message : `${e.message} (${e.file}:${e.line})`);
  /** The value a column sorts by. */
  const sortValue = (r, key) => (key === 'volume' ? (r.volume ? r.volume.callsPerDay : null) : key === 'monthlySavings' && r.lowVolume ? r.wouldSave : r[key]);

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
        const x = sortValue(a, state.key);
        const y = sortValue(b, state.key);
        const c = typeof x === 'number' || typeof y === 'number' ? (x ?? -1) - (y ?? -1) : String(x).localeCompare(String(y));
        return c * state.dir || a.file.localeCompare(b.file) || a.line - b.line;
      });
  }

  /** Calls per day and where the figure came from ('1,000/day' over 'assumed'). */
  function volumeCell(r) {
    const td = el('td', undefined, 'num volume');
    if (!r.volume) {
      td.textContent = '–';
      return td;
    }
    td.append(el('span', r.volume.perDay, 'per-day'), el('span', r.volume.label, 'volume-source'));
    td.title = `${r.volume.perDay}, ${r.volume.source}: ${r.volume.detail}`;
    return td;
  }

  /** One run's money: a per-run figure is never added to the monthly columns' totals. */
  function perRunCell(value) {
    const td = el('td', `${usd(value)}/run`, 'num per-run');
    td.title = 'Per run (a one-off script, or runs per day not in the code): not in the monthly totals';
    return td;
  }

  /** The counted saving; a low-volume call shows what it would save (as its CodeLens does), marked as not counted. */
  function savingsCell(r) {
    if (r.verdict !== 'batchable') return el('td', '–', 'num');
    if (r.perRun) {
      if (r.lowVolume && r.perRun.wouldSave !== null) {
        const td = el('td', `(${usd(r.perRun.wouldSave)}/run)`, 'num not-counted per-run');
        td.title = `Low volume: would save ${usd(r.perRun.wouldSave)} per run; not counted in the totals`;
        return td;
      }
      return perRunCell(r.perRun.savings);
    }
    if (r.lowVolume && r.wouldSave !== null) {
      const td = el('td', `(${usd(r.wouldSave)})`, 'num not-counted');
      td.title = `Low volume: would save ${usd(r.wouldSave)}/mo; not counted in the totals`;
      return td;
    }
    return el('td', usd(r.monthlySavings), 'num');
  }

  /** Rows, cards and charts: all three follow the filters. */
  function render() {
    const rows = visibleRows();
    renderRows(rows);
    renderCards(rows);
    renderCharts(rows);
  }

  function renderRows(rows) {
    const body = /** @type {HTMLElement} */ (document.querySelector('#rows tbody'));
    body.textContent = '';
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
        el('td', r.model || '?', 'model'),
        el('td', r.verdict + (r.lowVolume ? ' (low volume)' : ''), 'verdict'),
        volumeCell(r),
        r.perRun ? perRunCell(r.perRun.standard) : el('td', usd(r.monthlyStandard), 'num'),
        r.perRun ? perRunCell(r.perRun.withBatch) : el('td', usd(r.monthlyBatch), 'num'),
        savingsCell(r),
      );
      const fixCell = el('td', undefined, 'fix');
      if (r.fix && r.fix.safe) {
        const button = /** @type {HTMLButtonElement} */ (el('button', 'Apply fix', 'apply-fix'));
        if (r.stale) {
          // Out of date: applying it would edit a file that is no longer what this row describes.
          button.disabled = true;
          button.title = `Not available: ${r.stale}`;
          fixCell.append(button, el('div', 'file changed: updating…', 'stale-note'));
        } else {
          button.title = `Rewrite this call to the batch path (${r.fix.strategy})`;
          fixCell.append(button);
        }
        button.addEventListener('click', (ev) => {
          ev.stopPropagation();
          if (button.disabled) return;
          vscode.postMessage({ type: 'applyFix', folder: r.folder, file: r.file, line: r.line, column: r.column });
        });
      }
      tr.append(fixCell);
      tr.addEventListener('click', () => {
        const k = keyOf(r);
        state.expanded = state.expanded.includes(k) ? state.expanded.filter((x) => x !== k) : [...state.expanded, k];
        save();
        render();
      });
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') vscode.postMessage({ type: 'reveal', folder: r.folder, file: r.file, line: r.line, column: r.column });
      });
      body.append(tr);
      if (state.expanded.includes(keyOf(r))) {
        const detail = el('tr', undefined, 'detail');
        const td = el('td');
        td.colSpan = 10;
        if (r.volume) td.append(el('p', `Volume: ${r.volume.perDay}, ${r.volume.source} (${r.volume.detail})`, 'volume-detail'));
        td.append(el('h3', 'Evidence'));
        const ev = el('ul');
        for (const e of r.evidence) ev.append(el('li', `${e.rule}: ${evidenceLine(e)}`));
        td.append(ev);
        const assumptions = (r.estimate && r.estimate.assumptions) || [];
        if (assumptions.length) {
          td.append(el('h3', 'Assumptions'));
          const as = el('ul');
          for (const a of assumptions) as.append(el('li', a));
          td.append(as);
        }
        if (r.stale) td.append(el('p', `Apply fix is not available: ${r.stale}.`));
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

  function renderCharts(rows) {
    const byFile = new Map();
    const byProvider = new Map();
    for (const r of rows) {
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

  /** Per folder with usage reports: the measured spend, split into what runs where, and what could not be placed. */
  function renderUsage() {
    const section = $('usage');
    section.textContent = '';
    const usage = (report && report.usage) || [];
    section.hidden = usage.length === 0;
    for (const { folder, reconciliation: u } of usage) {
      const title = `Usage report, ${u.from} – ${u.to} (${u.days} days; ${u.files.join(', ')})`;
      section.append(el('h2', usage.length > 1 ? `${folder}: ${title}` : title));
      const table = el('table', undefined, 'reconciliation');
      const unplaced = u.models.filter((m) => m.sites.length === 0 && m.monthlySpend !== null).map((m) => m.model);
      for (const [label, value, cls] of [
        ['Measured spend', `${usd(u.monthlySpend)}/mo`, 'measured'],
        ['already on batch', `${usd(u.monthlyOnBatch)}/mo`, 'on-batch'],
        ['on call sites Batchwise calls batchable', `${usd(u.monthlyOnBatchable)}/mo`, 'on-batchable'],
        ['moving them saves', `${usd(u.monthlySavings)}/mo`, 'usage-savings'],
        ['on other call sites', `${usd(u.monthlyOnOtherSites)}/mo`, 'on-other'],
        ['spend we could not place', `${usd(u.monthlyUnplaced)}/mo${unplaced.length ? ` (no call site found for ${unplaced.join(', ')})` : ''}`, 'unplaced'],
      ]) {
        const tr = el('tr', undefined, cls);
        tr.append(el('th', label), el('td', value, 'num'));
        table.append(tr);
      }
      section.append(table);
      for (const n of u.notes) section.append(el('p', `Note: ${n}`, 'usage-note'));
    }
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
      render();
    });
  }
  for (const id of ['provider', 'model', 'folder']) {
    const select = /** @type {HTMLSelectElement} */ ($(id));
    select.addEventListener('change', () => {
      state[id] = select.value;
      save();
      render();
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
    render();
  });
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    save();
    render();
  });
  $('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'report') return;
    report = m;
    fillSelect('provider', m.rows.map((r) => r.provider), state.provider);
    fillSelect('model', m.rows.map((r) => r.model || NO_MODEL), state.model);
    fillSelect('folder', m.rows.map(folderOf), state.folder);
    render();
    renderUsage();
    renderErrors();
  });
  vscode.postMessage({ type: 'ready' });
})();
