import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PACKAGES = [
  '@openai/agents',
  '@agents-tracing/processor',
  '@agents-tracing/exporter-otlp',
  '@opentelemetry/sdk-trace',
  '@arizeai/openinference-instrumentation-openai-agents',
  '@braintrust/openai-agents',
  'braintrust',
];

function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version?: string };
    return manifest.version ?? '?';
  } catch {
    return 'not installed';
  }
}

function commit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

export interface Environment {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  commit: string | undefined;
  packages: Record<string, string>;
}

export function describeEnvironment(): Environment {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: commit(),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}
