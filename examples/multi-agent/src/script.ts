import { Agent } from '@openai/agents';
import { byAgent, handoffTo, type ScriptedResponder } from '@agents-tracing/testing';
import { AGENT_NAMES, INSTRUCTIONS } from './agents.js';

/** The SDK hands an MCP tool's single text item on as `{"type":"text","text":…}`. */
function mcpText(output: string): string {
  try {
    const parsed = JSON.parse(output) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : output;
  } catch {
    return output;
  }
}

const cityIn = (text: string | undefined): string => /\b(?:in|to)\s+([A-Z][a-z]+)/.exec(text ?? '')?.[1] ?? 'Paris';

/**
 * The scripted model of the offline demo: each agent answers from what its conversation holds,
 * so concurrent runs each get their own answers.
 */
export function demoScript(): ScriptedResponder {
  const toWeather = handoffTo(new Agent({ name: AGENT_NAMES.weather }));
  const toTravel = handoffTo(new Agent({ name: AGENT_NAMES.travel }));
  return byAgent({
    [INSTRUCTIONS.triage]: (request) =>
      /weather|forecast|rain|sunny/i.test(request.lastUserText ?? '')
        ? { toolCalls: [toWeather], usage: { inputTokens: 120, outputTokens: 12 } }
        : { toolCalls: [toTravel], usage: { inputTokens: 120, outputTokens: 12 } },
    [INSTRUCTIONS.weather]: (request) => {
      const city = cityIn(request.lastUserText);
      const report = request.toolCalls.find((c) => c.name === 'get_weather')?.output;
      // The forecast comes from the MCP server, when the agent has one.
      const withForecast = request.toolNames.includes('get_forecast');
      if (report === undefined) {
        return {
          toolCalls: [
            { name: 'get_weather', arguments: { city } },
            { name: 'get_weather_alerts', arguments: { city } },
            ...(withForecast ? [{ name: 'get_forecast', arguments: { city, days: 2 } }] : []),
          ],
          usage: { inputTokens: 210, outputTokens: 30 },
        };
      }
      const forecast = request.toolCalls.find((c) => c.name === 'get_forecast')?.output;
      const outlook = forecast === undefined ? '' : ` Outlook: ${mcpText(forecast)}.`;
      return { text: `${report}.${outlook} No alerts could be fetched right now.`, usage: { inputTokens: 260, outputTokens: 18 } };
    },
    [INSTRUCTIONS.travel]: (request) => {
      const city = cityIn(request.lastUserText);
      const summary = request.toolCalls.find((c) => c.name === 'summarize_request')?.output;
      if (summary === undefined) {
        return {
          toolCalls: [{ name: 'summarize_request', arguments: { input: request.lastUserText ?? '' } }],
          usage: { inputTokens: 180, outputTokens: 20 },
        };
      }
      const booking = request.toolCalls.find((c) => c.name === 'book_hotel')?.output;
      if (booking === undefined) {
        return {
          toolCalls: [{ name: 'book_hotel', arguments: { city, nights: 2 } }],
          usage: { inputTokens: 220, outputTokens: 16 },
        };
      }
      return { text: `Booked: ${booking}. Enjoy ${city}!`, usage: { inputTokens: 300, outputTokens: 14 } };
    },
    [INSTRUCTIONS.summarizer]: (request) => ({
      text: `A two-night stay in ${cityIn(request.lastUserText)}.`,
      usage: { inputTokens: 60, outputTokens: 9 },
    }),
  });
}
