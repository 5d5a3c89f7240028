/**
 * Logs feedback on a trace from a process of its own, as a review tool would long after the run:
 * it knows the trace id and the feedback (argv: trace id, then the JSON of a `Feedback`) and reads
 * everything else from its environment. Prints `logged <json>`.
 */
import { logFeedback, type Feedback } from '@agents-tracing/evaluation';

const [traceId, feedbackJson] = process.argv.slice(2);
const logged = await logFeedback(String(traceId), JSON.parse(String(feedbackJson)) as Feedback);
console.log(`logged ${JSON.stringify(logged)}`);
