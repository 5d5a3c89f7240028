/**
 * The demo's MCP server, spoken to over stdin/stdout: travel data tools for the agents.
 * Started as a child process by `startDemoMcpServer()`; it exits when its stdin closes.
 */
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { convertCurrency, CURRENCIES, forecastFor, TRAVEL_DATA_SERVER_NAME } from './travel-data.js';

function createTravelDataServer(): McpServer {
  const server = new McpServer({ name: TRAVEL_DATA_SERVER_NAME, version: '0.1.0' }, { capabilities: { tools: {} } });
  server.registerTool(
    'get_forecast',
    {
      description: 'Weather forecast for a city, day by day.',
      inputSchema: z.object({
        city: z.string().min(1).describe('City name, e.g. "Paris".'),
        days: z.number().int().min(1).max(7).describe('Number of days, 1 to 7.'),
      }),
      annotations: { readOnlyHint: true },
    },
    async ({ city, days }) => ({ content: [{ type: 'text', text: forecastFor(city, days) }] }),
  );
  server.registerTool(
    'convert_currency',
    {
      description: 'Converts an amount between currencies at fixed rates.',
      inputSchema: z.object({
        amount: z.number().nonnegative(),
        from: z.enum(CURRENCIES),
        to: z.enum(CURRENCIES),
      }),
      annotations: { readOnlyHint: true },
    },
    async ({ amount, from, to }) => ({ content: [{ type: 'text', text: convertCurrency(amount, from, to) }] }),
  );
  return server;
}

// stdout carries the protocol, so problems go to stderr.
serveStdio(createTravelDataServer, { onerror: (error) => console.error(`travel-data MCP server: ${error.message}`) });
