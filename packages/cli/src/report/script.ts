/**
 * The report page's script, as text: collapsing subtrees and showing a span's details on click.
 * It reads the spans from the JSON island and writes only with textContent.
 */
export const REPORT_SCRIPT = String.raw`
(() => {
  const data = JSON.parse(document.getElementById('trace-data').textContent);
  const byId = new Map(data.spans.map((s) => [s.id, s]));
  const rows = [...document.querySelectorAll('.row')];
  const collapsed = new Set();
  const details = document.getElementById('details');
  const INPUTS = ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.tool.call.arguments', 'mlflow.spanInputs'];
  const OUTPUTS = ['gen_ai.output.messages', 'gen_ai.tool.call.result', 'mlflow.spanOutputs'];

  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const ms = (v) => v >= 1000 ? (v / 1000).toFixed(2) + ' s' : (Math.round(v * 1000) / 1000) + ' ms';
  const pretty = (v) => {
    if (typeof v !== 'string') return JSON.stringify(v, null, 2);
    try { const p = JSON.parse(v); if (p !== null && typeof p === 'object') return JSON.stringify(p, null, 2); } catch {}
    return v;
  };
  const table = (pairs) => {
    const t = el('table');
    for (const [k, v] of pairs) { const tr = el('tr'); tr.append(el('td', k), el('td', typeof v === 'string' ? v : JSON.stringify(v))); t.append(tr); }
    return t;
  };
  const section = (title, body) => { details.append(el('h3', title), body); };
  const MESSAGE_KEYS = new Set(['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages']);
  const compact = (v) => typeof v === 'string' ? v : JSON.stringify(v);
  // One part of a GenAI-convention message, as a line a reader follows.
  const partView = (part) => {
    if (part.type === 'text') return el('div', part.content, 'part');
    if (part.type === 'tool_call') return el('div', '→ ' + part.name + '(' + compact(part.arguments ?? '') + ')' + (part.id ? '  ' + part.id : ''), 'part tool-call');
    if (part.type === 'tool_call_response') return el('div', '← ' + compact(part.response) + (part.id ? '  ' + part.id : ''), 'part tool-result');
    if (part.type === 'server_tool_call') return el('div', '→ ' + part.name + ' ' + compact(part.server_tool_call), 'part tool-call');
    if (part.type === 'server_tool_call_response') return el('div', '← ' + compact(part.server_tool_call_response), 'part tool-result');
    if (part.type === 'reasoning') return el('div', part.content, 'part reasoning');
    return el('pre', JSON.stringify(part, null, 2));
  };
  // A conventions message list as a conversation; undefined for anything else (cut, plain text).
  const conversation = (key, value) => {
    let list;
    try { list = JSON.parse(value); } catch { return undefined; }
    if (!Array.isArray(list)) return undefined;
    const messages = key === 'gen_ai.system_instructions' ? [{ role: 'system', parts: list }] : list;
    if (!messages.every((m) => m && typeof m.role === 'string' && Array.isArray(m.parts))) return undefined;
    const box = el('div', undefined, 'conversation');
    for (const m of messages) {
      const bubble = el('div', undefined, 'message role-' + m.role);
      bubble.append(el('div', m.role + (m.finish_reason ? ' · ' + m.finish_reason : ''), 'role'));
      for (const part of m.parts) if (part && typeof part === 'object') bubble.append(partView(part));
      box.append(bubble);
    }
    return box;
  };

  function show(span) {
    details.replaceChildren();
    details.append(el('h2', span.name));
    const status = span.status.code + (span.status.message ? ': ' + span.status.message : '');
    const overview = table([
      ['span id', span.id], ['parent', span.parentId || '(root)'], ['type', span.type], ['kind', span.kind],
      ['start', '+' + ms(span.offset)], ['duration', ms(span.duration)], ['status', status],
    ]);
    if (span.error) overview.rows[6].cells[1].className = 'status-error';
    section('Span', overview);
    if (span.tripwire) section('Guardrail', el('p', 'Tripwire triggered: the run was stopped here.', 'status-error'));
    if (span.audit) section('Audit', el('p', span.audit === 'changed' ? 'This span differs from what its digest recorded.' : 'This span is not covered by the digest.', 'status-error'));
    const shown = new Set();
    for (const [title, keys] of [['Inputs', INPUTS], ['Outputs', OUTPUTS]]) {
      const present = keys.filter((k) => span.attributes[k] !== undefined);
      if (present.length === 0) continue;
      const box = el('div');
      for (const k of present) {
        shown.add(k);
        const view = MESSAGE_KEYS.has(k) ? conversation(k, span.attributes[k]) : undefined;
        box.append(el('div', k, 'empty'), view || el('pre', pretty(span.attributes[k])));
      }
      section(title, box);
    }
    const rest = Object.entries(span.attributes).filter(([k]) => !shown.has(k)).sort(([a], [b]) => a < b ? -1 : 1);
    section('Attributes', rest.length ? table(rest) : el('p', 'none', 'empty'));
    if (span.events.length) {
      const box = el('div');
      for (const e of span.events) { box.append(el('div', e.name + ' at +' + ms(e.offset), 'empty'), table(Object.entries(e.attributes))); }
      section('Events', box);
    }
  }

  function select(row) {
    for (const r of rows) r.classList.toggle('selected', r === row);
    show(byId.get(row.dataset.id));
  }

  function applyCollapse() {
    const hiddenUnder = [];
    for (const row of rows) {
      const depth = Number(row.dataset.depth);
      hiddenUnder.length = depth;
      row.hidden = hiddenUnder.some(Boolean);
      hiddenUnder[depth] = row.hidden || collapsed.has(row.dataset.id);
      const toggle = row.querySelector('.toggle');
      if (!toggle.classList.contains('leaf')) {
        toggle.textContent = collapsed.has(row.dataset.id) ? '▸' : '▾';
        row.setAttribute('aria-expanded', String(!collapsed.has(row.dataset.id)));
      }
    }
  }

  for (const row of rows) {
    row.addEventListener('click', (event) => {
      if (event.target.classList.contains('toggle')) {
        const id = row.dataset.id;
        collapsed.has(id) ? collapsed.delete(id) : collapsed.add(id);
        applyCollapse();
        return;
      }
      select(row);
    });
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); select(row); }
      if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        const id = row.dataset.id;
        event.key === 'ArrowLeft' ? collapsed.add(id) : collapsed.delete(id);
        applyCollapse();
      }
    });
  }
  // Open on what went wrong: a tripped guardrail, else the error no child span explains.
  const errorOrigin = rows.find((row, i) => {
    if (!row.classList.contains('error')) return false;
    const depth = Number(row.dataset.depth);
    for (const next of rows.slice(i + 1)) {
      if (Number(next.dataset.depth) <= depth) break;
      if (next.classList.contains('error')) return false;
    }
    return true;
  });
  const first = rows.find((r) => r.classList.contains('tripwire')) || errorOrigin || rows[0];
  if (first) select(first);
})();
`;
