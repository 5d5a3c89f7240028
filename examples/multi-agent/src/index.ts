export * from './agents.js';
export * from './script.js';
export * from './run-demo.js';
export * from './where-to-look.js';
export * from './mcp/index.js';
export * from './metrics-dashboard.js';
export * from './voice.js';
