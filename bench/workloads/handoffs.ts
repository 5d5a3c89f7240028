import { Agent, handoff, run } from '@openai/agents';
import type { ScriptedModels } from '../model/models.js';
import { answeringTool } from './tools.js';
import type { RunWorkload } from './types.js';

const INSTRUCTIONS = {
  triage: 'You are the triage agent. Hand trip requests to the research agent.',
  research: 'You are the research agent. Search flights and hotels, then hand over to the booking agent.',
  booking: 'You are the booking agent. Check availability, book, confirm, then answer.',
};

const USAGE = { inputTokens: 200, outputTokens: 25 };
const query = (q: string) => ({ query: q });

/**
 * task; 3 agents; 6 turns, each with its response; 2 handoffs; 5 function calls (two of them in
 * parallel pairs); plus the trace's root.
 */
const SPANS_PER_RUN = 1 + 3 + 6 + 6 + 2 + 5 + 1;

/** (b) A triage agent handing off across three agents (triage → research → booking), five tools. */
export function handoffs(models: ScriptedModels): RunWorkload {
  const booking = new Agent({
    name: 'Booking agent',
    instructions: INSTRUCTIONS.booking,
    tools: [
      answeringTool('check_availability', 'Two rooms free on those dates.'),
      answeringTool('book_hotel', '{"confirmation":"HTL-PAR-2","nights":2}'),
      answeringTool('send_confirmation', 'Email queued.'),
    ],
    model: models.modelFor(INSTRUCTIONS.booking, {
      steps: [
        { calls: [{ name: 'check_availability', arguments: query('Hotel Lutetia, 2 nights') }] },
        {
          calls: [
            { name: 'book_hotel', arguments: query('Hotel Lutetia, 2 nights') },
            { name: 'send_confirmation', arguments: query('HTL-PAR-2') },
          ],
        },
        { text: 'Booked two nights at Hotel Lutetia (HTL-PAR-2); the confirmation is on its way.' },
      ],
      usage: USAGE,
    }),
  });
  const toBooking = handoff(booking).toolName;
  const research = new Agent({
    name: 'Research agent',
    instructions: INSTRUCTIONS.research,
    tools: [
      answeringTool('search_flights', 'AF1234 departs 09:10, arrives 10:25.'),
      answeringTool('search_hotels', 'Hotel Lutetia, 4 stars, 240 EUR a night.'),
    ],
    handoffs: [booking],
    model: models.modelFor(INSTRUCTIONS.research, {
      steps: [
        {
          calls: [
            { name: 'search_flights', arguments: query('Lyon to Paris, Friday') },
            { name: 'search_hotels', arguments: query('Paris, 2 nights') },
          ],
        },
        { calls: [{ name: toBooking, arguments: {} }] },
      ],
      usage: USAGE,
    }),
  });
  const toResearch = handoff(research).toolName;
  const triage = Agent.create({
    name: 'Triage',
    instructions: INSTRUCTIONS.triage,
    handoffs: [research, booking],
    model: models.modelFor(INSTRUCTIONS.triage, {
      steps: [{ calls: [{ name: toResearch, arguments: {} }] }],
      usage: USAGE,
    }),
  });
  return {
    kind: 'runs',
    id: 'b',
    title: 'triage handing off across three agents, five tools',
    spansPerRun: SPANS_PER_RUN,
    run: async () => {
      await run(triage, 'Book me two nights in Paris from Lyon on Friday.');
    },
  };
}
