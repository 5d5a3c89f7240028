/** A verification report as a person reads it on the terminal. */
import type { FieldChange, VerificationReport } from '@agents-tracing/processor';

function describeField(change: FieldChange): string {
  const what = change.field === 'attribute' ? `attribute ${change.key}` : change.field;
  return `${what} ${change.change}`;
}

const HEADLINES: Record<VerificationReport['verdict'], string> = {
  ok: 'OK',
  tampered: 'TAMPERED',
  'no-digest': 'NO DIGEST',
  'key-required': 'KEY NEEDED',
  'wrong-key': 'WRONG KEY',
};

/** `  changed  `, `  missing  `, `  extra    `: one column for the ids and names. */
const label = (text: string): string => `  ${text.padEnd(7)}  `;

export function formatVerification(report: VerificationReport, source: string): string {
  const lines: string[] = [];
  const record = report.record;
  const subject = `trace ${report.traceId ?? '?'} from ${source}`;
  if (report.verdict === 'ok' && record) {
    lines.push(`OK  ${subject}: all ${report.coveredCount} spans match digest ${record.digest.slice(0, 16)}… (${record.algorithm}${record.keyId ? `, key ${record.keyId}` : ''})`);
  } else {
    lines.push(`${HEADLINES[report.verdict]}  ${subject}`);
    if (record) {
      lines.push(`  digest ${record.digest.slice(0, 16)}… (${record.algorithm}${record.keyId ? `, key ${record.keyId}` : ''}) over ${report.coveredCount} spans; ${report.spanCount} read`);
    }
  }
  for (const span of report.changed) {
    lines.push(`${label('changed')}${span.name} (${span.spanId})`);
    for (const field of span.fields) lines.push(`             ${describeField(field)}`);
  }
  for (const span of report.missing) {
    const hint = span.childNames.length > 0 ? ` (parent of: ${span.childNames.join(', ')})` : '';
    lines.push(`${label('missing')}${span.spanId}${hint}`);
  }
  const extraLabel = report.verdict === 'ok' ? 'not covered' : 'extra';
  for (const span of report.extra) {
    lines.push(`${label(extraLabel)}${span.name} (${span.spanId})${span.parentSpanId ? ` under ${span.parentSpanId}` : ''}`);
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
