import { createServer, type Server } from 'node:http';
import { text } from 'node:stream/consumers';
import { Agent, run } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';

export async function serveAgent(agent: Agent, port: number): Promise<Server> {
  // Registers W3C trace context globally: the agent's trace joins the caller's.
  const tracing = await setupAgentTracing({ serviceName: 'records-service' });
  const server = createServer(async (request, response) => {
    try {
      const result = await run(agent, await text(request));
      response.end(String(result.finalOutput));
    } catch {
      response.writeHead(500).end('the agent could not answer');
    }
  });
  server.on('close', () => void tracing.shutdown());
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
