// The agency admins' dashboard: reads the SLA API with the admin's bearer token and redraws itself every few seconds.
// Polling, not server-sent events: EventSource cannot send an Authorization header, and a token in a URL would end up in
// logs. All text goes in through textContent, never as HTML.
(() => {
  'use strict';

  const TOKEN_KEY = 'datagateway.dashboard.token';
  const params = new URLSearchParams(window.location.search);
  const refreshSeconds = Math.max(2, Number(params.get('refresh')) || 15);
  const $ = (id) => document.getElementById(id);

  // A token handed over in the address is kept for this tab only and taken out of the address at once.
  if (params.has('token')) {
    sessionStorage.setItem(TOKEN_KEY, params.get('token'));
    params.delete('token');
    const query = params.toString();
    history.replaceState(null, '', window.location.pathname + (query ? '?' + query : ''));
  }

  let selectedUnit = null;
  let timer = null;

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  function showSignIn(message) {
    clearTimeout(timer);
    $('board').hidden = true;
    $('signin').hidden = false;
    showError(message);
  }

  function showError(message) {
    $('error').hidden = !message;
    $('error').textContent = message || '';
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + token(), Accept: 'application/json' } });
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      throw Object.assign(new Error('The token was not accepted (expired or invalid): sign in again.'), { signIn: true });
    }

    if (!response.ok) {
      let detail = response.statusText;
      try {
        const problem = await response.json();
        detail = problem.detail || problem.title || detail;
      } catch {
        // Not JSON: keep the status text.
      }

      throw new Error(`${path.split('?')[0]}: ${response.status} ${detail}`);
    }

    return response.json();
  }

  const num = (value) => (value === undefined || value === null ? 0 : Number(value));
  const percent = (rate) => (rate === undefined || rate === null ? '—' : (rate * 100).toFixed(1) + '%');
  const rateClass = (rate) => (rate === undefined || rate === null ? '' : rate < 0.8 ? 'rate-bad' : rate < 0.95 ? 'rate-warn' : 'rate-good');
  const when = (timestamp) => (timestamp ? new Date(timestamp).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '');

  function cell(row, field, text, className) {
    const td = document.createElement('td');
    td.dataset.field = field;
    td.textContent = text;
    if (className) {
      td.className = className;
    }

    row.appendChild(td);
    return td;
  }

  function renderUnits(list) {
    const body = $('units').querySelector('tbody');
    body.replaceChildren();
    const cards = list.scorecards || [];
    $('units-empty').hidden = cards.length > 0;
    cards.forEach((card, index) => {
      const row = document.createElement('tr');
      row.dataset.unitId = card.unitId;
      if (card.unitId === selectedUnit) {
        row.classList.add('selected');
      }

      cell(row, 'rank', String(index + 1), 'num');
      cell(row, 'unit', card.unitName || card.unitId).title = card.unitId;
      cell(row, 'kind', card.unitKind);
      cell(row, 'feedbackRate', percent(card.feedbackRate), 'num ' + rateClass(card.feedbackRate));
      cell(row, 'onTimeRate', percent(card.onTimeRate), 'num ' + rateClass(card.onTimeRate));
      cell(row, 'mattersDue', String(num(card.mattersDue)), 'num');
      cell(row, 'mattersAnswered', String(num(card.mattersAnswered)), 'num');
      cell(row, 'mattersOnTime', String(num(card.mattersOnTime)), 'num');
      cell(row, 'mattersLate', String(num(card.mattersLate)), 'num');
      cell(row, 'mattersOverdue', String(num(card.mattersOverdue)), 'num' + (num(card.mattersOverdue) > 0 ? ' rate-bad' : ''));
      cell(row, 'queriesAsked', String(num(card.queriesAsked)), 'num');
      cell(row, 'responseRate', percent(card.responseRate), 'num ' + rateClass(card.responseRate));
      const p50 = card.latencyP50Ms === undefined ? '—' : card.latencyP50Ms;
      const p95 = card.latencyP95Ms === undefined ? '—' : card.latencyP95Ms;
      cell(row, 'latency', `${p50} / ${p95}`, 'num');
      const circuit = document.createElement('span');
      circuit.className = 'circuit circuit-' + card.circuitState;
      circuit.textContent = card.circuitState;
      cell(row, 'circuitState', '').appendChild(circuit);
      row.addEventListener('click', () => {
        selectedUnit = card.unitId;
        body.querySelectorAll('tr.selected').forEach((r) => r.classList.remove('selected'));
        row.classList.add('selected');
        loadTrend().catch(fail);
      });
      body.appendChild(row);
    });

    if (!cards.some((c) => c.unitId === selectedUnit)) {
      selectedUnit = cards.length > 0 ? cards[0].unitId : null;
      const first = body.querySelector('tr');
      if (first) {
        first.classList.add('selected');
      }
    }
  }

  function svg(name, attributes, text) {
    const element = document.createElementNS('http://www.w3.org/2000/svg', name);
    Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, String(value)));
    if (text !== undefined) {
      element.textContent = text;
    }

    return element;
  }

  function renderTrend(detail) {
    const chart = $('trend');
    chart.replaceChildren();
    const points = detail ? detail.trend || [] : [];
    $('trend-unit').textContent = detail ? `· ${detail.scorecard.unitName} (${detail.scorecard.unitId})` : '';
    if (points.length === 0) {
      return;
    }

    // Drawn in the chart's own pixel width, so text keeps its shape.
    const width = Math.max(320, Math.round(chart.getBoundingClientRect().width) || 720), height = 160, top = 10, bottom = 20, left = 34;
    chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const plot = height - top - bottom;
    const step = (width - left) / points.length;
    const maxDue = Math.max(1, ...points.map((p) => num(p.mattersDue)));
    chart.appendChild(svg('line', { class: 'axis', x1: left, y1: top + plot, x2: width, y2: top + plot }));
    chart.appendChild(svg('text', { x: 2, y: top + 8 }, '100%'));
    chart.appendChild(svg('text', { x: 2, y: top + plot }, '0%'));
    let path = '';
    points.forEach((point, i) => {
      const x = left + i * step;
      const due = num(point.mattersDue);
      if (due > 0) {
        const h = (due / maxDue) * plot;
        const bar = svg('rect', { class: 'bar', x: x + step * 0.15, y: top + plot - h, width: step * 0.7, height: h });
        bar.appendChild(svg('title', {}, `${point.date}: ${due} due, ${num(point.mattersAnswered)} answered, ${num(point.mattersOnTime)} on time`));
        chart.appendChild(bar);
      }

      if (point.feedbackRate !== undefined && point.feedbackRate !== null) {
        const y = top + plot - point.feedbackRate * plot;
        path += `${path ? 'L' : 'M'}${x + step / 2},${y} `;
        chart.appendChild(svg('circle', { class: 'dot', cx: x + step / 2, cy: y, r: 2.5 }));
      }

      const last = i === points.length - 1;
      if (last || (i % 7 === 0 && points.length - i > 3)) {
        chart.appendChild(svg('text', { x: last ? width - 2 : x, y: height - 5, 'text-anchor': last ? 'end' : 'start' }, point.date.slice(5)));
      }
    });
    if (path) {
      chart.appendChild(svg('path', { class: 'line', d: path.trim() }));
    }
  }

  function renderOverdue(list) {
    const body = $('overdue').querySelector('tbody');
    body.replaceChildren();
    const matters = list.matters || [];
    $('overdue-empty').hidden = matters.length > 0;
    $('overdue-total').textContent = list.totalSize ? `(${list.totalSize})` : '';
    matters.forEach((matter) => {
      const row = document.createElement('tr');
      row.dataset.matterId = matter.matterId;
      cell(row, 'matterId', matter.matterId.slice(0, 8) + '…').title = matter.matterId;
      cell(row, 'unit', matter.unitName || matter.unitId);
      cell(row, 'action', String(matter.action).replace('MATTER_ACTION_', ''));
      cell(row, 'caseNumber', matter.caseNumber);
      cell(row, 'deadline', when(matter.deadline));
      cell(row, 'daysOverdue', String(num(matter.daysOverdue)), 'num rate-bad');
      cell(row, 'delivered', matter.delivered ? 'yes' : 'no — never received');
      body.appendChild(row);
    });
  }

  async function loadTrend() {
    renderTrend(selectedUnit ? await api(`/v1/sla/units/${encodeURIComponent(selectedUnit)}?days=${$('days').value}`) : null);
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const days = $('days').value;
      const [units, overdue] = await Promise.all([
        api(`/v1/sla/units?days=${days}&pageSize=500`),
        api('/v1/sla/overdue-matters?pageSize=100'),
      ]);
      renderUnits(units);
      renderOverdue(overdue);
      await loadTrend();
      const scope = units.districtWide ? 'district-wide' : `${units.totalSize} of your units active`;
      $('status').textContent = `${scope} · as of ${when(units.to)} · refreshes every ${refreshSeconds} s`;
      document.body.dataset.loaded = 'true';
      showError('');
    } catch (error) {
      fail(error);
      if (error.signIn) {
        return;
      }
    }

    timer = setTimeout(refresh, refreshSeconds * 1000);
  }

  function fail(error) {
    if (error.signIn) {
      showSignIn(error.message);
    } else {
      showError(error.message);
    }
  }

  function start() {
    $('signin').hidden = true;
    $('board').hidden = false;
    refresh();
  }

  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token-input').value.trim().replace(/^Bearer\s+/i, '');
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token-input').value = '';
      start();
    }
  });
  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn('');
  });
  $('refresh').addEventListener('click', refresh);
  $('days').addEventListener('change', refresh);

  if (token()) {
    start();
  } else {
    showSignIn('');
  }
})();
