import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MCPServerStdio } from '@openai/agents';
import { TRAVEL_DATA_SERVER_NAME } from './travel-data.js';

export { convertCurrency, forecastFor, CURRENCIES, EURO_RATES, TRAVEL_DATA_SERVER_NAME, type Currency } from './travel-data.js';

export interface DemoMcpServer {
  /** Connected and answering; pass it to an agent as `mcpServers: [server]`. */
  server: MCPServerStdio;
  /** Closes the connection and ends the server process. */
  close(): Promise<void>;
}

/**
 * Starts the demo's travel-data MCP server (`get_forecast`, `convert_currency`) as a child process
 * speaking MCP over stdio, and connects to it.
 *
 * The server is TypeScript run by this Node binary with tsx's loader, so it needs no build step.
 * The child inherits only a minimal environment (PATH, HOME and the like; no API keys).
 */
export async function startDemoMcpServer(): Promise<DemoMcpServer> {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const server = new MCPServerStdio({
    name: TRAVEL_DATA_SERVER_NAME,
    command: process.execPath,
    args: ['--import', tsxLoader, fileURLToPath(new URL('./server.ts', import.meta.url))],
    // tsx looks for a tsconfig from the working directory up: the same one wherever the caller runs.
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    // Covers a cold start (Node, tsx, then the MCP handshake) on a busy machine.
    clientSessionTimeoutSeconds: 30,
  });
  await server.connect();
  try {
    // `connect()` can return once the process is spawned; a first listing waits until it answers,
    // so start-up time never shows in a traced `list_tools` span and a broken server fails here.
    await server.listTools();
  } catch (error) {
    await server.close();
    throw error;
  }
  return { server, close: () => server.close() };
}
