// Loads every package's built entry points with plain Node (no TypeScript, no source
// condition), as an app that installed them from the registry would.
const entries = [
  '@agents-tracing/processor',
  '@agents-tracing/delivery',
  '@agents-tracing/exporter-otlp',
  '@agents-tracing/exporter-mlflow',
  '@agents-tracing/testing',
  '@agents-tracing/evaluation',
  '@agents-tracing/cli',
];
for (const entry of entries) {
  const module = await import(entry);
  if (Object.keys(module).length === 0) throw new Error(`${entry} exports nothing`);
}
console.log(`built packages load: ${entries.join(', ')}`);
