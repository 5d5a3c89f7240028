/**
 * One self-contained HTML file for a trace: the span tree beside a timing waterfall, details on
 * click. Rows are written here, so the tree shows even before the script runs; styles, script
 * and data are inline, so opening the file needs no network.
 */
import type { ReportData, ReportSpan, ReportVerification } from './model.js';
import { REPORT_SCRIPT } from './script.js';
import { REPORT_CSS } from './style.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** JSON that cannot end the script element it sits in. */
const scriptSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** About six round-numbered ticks over the trace's duration. */
function ticks(durationMs: number): number[] {
  if (durationMs <= 0) return [0];
  const rough = durationMs / 6;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const out: number[] = [];
  for (let t = 0; t <= durationMs; t += step) out.push(t);
  return out;
}

/** The duration beside its bar: after it, inside a bar reaching the right edge, or before a short one. */
function durationLabel(durationMs: number, left: number, width: number): string {
  const text = formatMs(durationMs);
  if (left + width <= 85) return `<span class="dur" style="left:${(left + width).toFixed(3)}%">${text}</span>`;
  if (width >= 12) return `<span class="dur inside" style="right:${(100 - left - width).toFixed(3)}%">${text}</span>`;
  return `<span class="dur before" style="right:${(100 - left).toFixed(3)}%">${text}</span>`;
}

function row(span: ReportSpan, totalMs: number): string {
  const scale = (ms: number): number => (totalMs > 0 ? (ms / totalMs) * 100 : 0);
  const left = scale(span.offset);
  const width = scale(span.duration);
  const classes = ['row', span.error ? 'error' : '', span.tripwire ? 'tripwire' : ''].filter(Boolean).join(' ');
  const badges = [
    span.tripwire ? '<span class="badge tripwire">⚠ TRIPWIRE</span>' : '',
    span.error && !span.tripwire ? '<span class="badge error">✗ ERROR</span>' : '',
    span.audit ? `<span class="badge audit">${span.audit === 'changed' ? 'CHANGED' : 'NOT COVERED'}</span>` : '',
    span.incomplete ? '<span class="badge incomplete">incomplete</span>' : '',
    span.tokens ? `<span class="tokens">${span.tokens.input}→${span.tokens.output} tok</span>` : '',
  ].join('');
  const barClasses = ['bar', `t-${escapeHtml(span.type)}`, span.error ? 'error' : '', span.tripwire ? 'tripwire' : ''].filter(Boolean).join(' ');
  return `<div class="${classes}" role="treeitem" tabindex="0" aria-level="${span.depth + 1}"${span.hasChildren ? ' aria-expanded="true"' : ''} data-id="${span.id}" data-depth="${span.depth}" style="--depth:${span.depth}">
<div class="name"><button class="toggle${span.hasChildren ? '' : ' leaf'}" tabindex="-1" aria-label="collapse">▾</button><span class="label" title="${escapeHtml(span.name)}">${escapeHtml(span.name)}</span>${badges}</div>
<div class="timeline"><div class="${barClasses}" style="left:${left.toFixed(3)}%;width:${width.toFixed(3)}%"></div>${durationLabel(span.duration, left, width)}</div>
</div>`;
}

const VERDICT_LABELS: Record<ReportVerification['verdict'], string> = {
  ok: 'digest verified',
  tampered: 'TAMPERED',
  'no-digest': 'no digest',
  'key-required': 'digest needs the key',
  'wrong-key': 'not the key that made the digest',
};

export function renderReportHtml(data: ReportData): string {
  const { summary } = data;
  const total = summary.durationMs;
  const verdict = data.verification;
  const verdictBadge = verdict
    ? `<span class="verdict ${verdict.verdict}">${VERDICT_LABELS[verdict.verdict]}</span>`
    : '';
  const meta = [
    `trace ${data.traceId}`,
    new Date(data.startTime).toISOString(),
    `${summary.spanCount} spans`,
    formatMs(total),
    `tokens ${summary.inputTokens}→${summary.outputTokens}`,
    summary.errors > 0 ? `${summary.errors} with errors` : '',
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(data.title)} · ${data.traceId}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1>${verdictBadge}<span class="meta">${meta.map(escapeHtml).join(' · ')}</span></header>
${verdict && verdict.verdict !== 'ok' ? `<pre class="verification">${escapeHtml(verdict.text)}</pre>` : ''}
<main>
<section id="spans" role="tree" aria-label="spans">
<div class="axis"><div></div><div class="ticks">${ticks(total)
    .map((t) => `<span class="tick" style="left:${total > 0 ? ((t / total) * 100).toFixed(3) : 0}%">${formatMs(t)}</span>`)
    .join('')}</div></div>
${data.spans.map((span) => row(span, total)).join('\n')}
</section>
<aside id="details" aria-live="polite"></aside>
</main>
<script type="application/json" id="trace-data">${scriptSafeJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
