/** The three commands, each from a loaded trace to what it prints or writes and its exit code. */
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from './errors.js';
import {
  AUDIT_KEY_ENV,
  AUDIT_KEY_ID_ENV,
  DIGEST_ATTRIBUTES,
  auditKey,
  buildSpanTree,
  digestRecordFromTags,
  verifyTraceDigest,
  type AuditKey,
  type KeptDigest,
  type VerificationReport,
} from '@agents-tracing/processor';
import type { LoadedTrace } from './sources/index.js';
import { reportData } from './report/model.js';
import { renderReportHtml } from './report/html.js';
import { formatTree } from './tree-text.js';
import { formatVerification } from './verify-text.js';

export const EXIT = { OK: 0, FAILED: 1, CANNOT_READ: 2, WRONG_KEY: 3 } as const;

export interface VerifySettings {
  key?: AuditKey;
  /** A copy of the digest the user kept. */
  digest?: string;
  allowUncovered?: boolean;
}

/** The key from `AGENTS_TRACING_AUDIT_KEY` (or a key file read by the caller), never from argv. */
export function keyFrom(secret: string | Buffer | undefined, env: NodeJS.ProcessEnv): AuditKey | undefined {
  const key = secret ?? env[AUDIT_KEY_ENV];
  return key ? auditKey(key, env[AUDIT_KEY_ID_ENV]) : undefined;
}

export function verifyLoaded(trace: LoadedTrace, settings: VerifySettings): VerificationReport {
  const kept: KeptDigest[] = [];
  if (settings.digest) kept.push({ where: '--digest', digest: settings.digest });
  const tagDigest = trace.tags[DIGEST_ATTRIBUTES.DIGEST];
  if (tagDigest) kept.push({ where: 'the MLflow trace tag', digest: tagDigest });
  const fallbackRecord = digestRecordFromTags(trace.tags);
  return verifyTraceDigest(trace.spans, {
    ...(settings.key ? { key: settings.key } : {}),
    ...(fallbackRecord ? { fallbackRecord } : {}),
    keptDigests: kept,
    allowUncovered: settings.allowUncovered ?? false,
    ...(trace.derivedMismatches ? { derivedMismatches: trace.derivedMismatches } : {}),
  });
}

const EXIT_BY_VERDICT: Record<VerificationReport['verdict'], number> = {
  ok: EXIT.OK,
  tampered: EXIT.FAILED,
  'no-digest': EXIT.FAILED,
  'key-required': EXIT.CANNOT_READ,
  'wrong-key': EXIT.WRONG_KEY,
};

export const exitCodeOf = (report: VerificationReport): number => EXIT_BY_VERDICT[report.verdict];

export interface CommandResult {
  output: string;
  exitCode: number;
}

export function verifyCommand(trace: LoadedTrace, settings: VerifySettings, json: boolean): CommandResult {
  const report = verifyLoaded(trace, settings);
  return {
    output: json ? JSON.stringify(report, null, 2) : formatVerification(report, trace.source),
    exitCode: exitCodeOf(report),
  };
}

export function treeCommand(trace: LoadedTrace, json: boolean): CommandResult {
  const roots = buildSpanTree(trace.spans);
  return { output: json ? JSON.stringify(roots, null, 2) : formatTree(trace.traceId, roots), exitCode: EXIT.OK };
}

/** Writes the report; the digest's verdict is shown on it. */
export async function reportCommand(trace: LoadedTrace, settings: VerifySettings, outPath: string): Promise<CommandResult> {
  const report = verifyLoaded(trace, settings);
  const html = renderReportHtml(
    reportData(trace.traceId, buildSpanTree(trace.spans), { report, text: formatVerification(report, trace.source) }),
  );
  await writeOutput(outPath, html);
  return { output: `wrote ${outPath} (${trace.spans.length} spans, ${Math.round(html.length / 1024)} KiB)`, exitCode: EXIT.OK };
}

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `the folder ${dirname(path)} does not exist`
        : code === 'EISDIR'
          ? 'it is a folder: give a file name'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (error as Error).message;
    throw new CliError(`cannot write ${path}: ${why}`);
  }
}
