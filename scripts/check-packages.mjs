// Checks what each published package declares, as the registry would serve it: publint (exports,
// files, fields) and Are the Types Wrong (types resolve for every entry point). The packages are
// ESM only; CommonJS apps on Node 22 load them with require() (Node's require of ES modules).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { readFileSync } from 'node:fs';

const packages = ['core', 'delivery', 'backends/otlp', 'backends/mlflow', 'testing', 'evaluation', 'cli'];
const root = fileURLToPath(new URL('../', import.meta.url));
const attw = fileURLToPath(new URL('../node_modules/.bin/attw', import.meta.url));
let failed = false;

for (const name of packages) {
  const dir = `${root}packages/${name}`;
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const { messages } = await publint({ pkgDir: dir, level: 'suggestion', strict: true });
  for (const message of messages) {
    console.error(`${pkg.name}: publint ${message.type}: ${formatMessage(message, pkg)}`);
    failed = true;
  }
  try {
    execFileSync(attw, ['--pack', dir, '--profile', 'esm-only', '--format', 'ascii'], { stdio: 'pipe' });
  } catch (error) {
    console.error(`${pkg.name}: Are the Types Wrong found problems:\n${error.stdout}`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`package checks passed (publint, Are the Types Wrong): ${packages.length} packages`);
