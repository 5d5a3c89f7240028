/**
 * The data behind the demo's MCP tools: deterministic, so traces and tests see the same answers
 * on every run.
 */

/** The MCP server's name: its `serverInfo` name and the name its spans carry (`list_tools travel-data`). */
export const TRAVEL_DATA_SERVER_NAME = 'travel-data';

const CONDITIONS = ['sunny', 'partly cloudy', 'cloudy', 'light rain', 'showers', 'windy'] as const;

/** A small, stable hash (FNV-1a) of a string. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (const char of text) {
    value ^= char.codePointAt(0)!;
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** A forecast of `days` days for `city`, e.g. "Rome, 1 day: day 1 sunny 13–17°C". */
export function forecastFor(city: string, days: number): string {
  const entries = Array.from({ length: days }, (_, index) => {
    const seed = hash(`${city.trim().toLowerCase()}#${index + 1}`);
    const condition = CONDITIONS[seed % CONDITIONS.length]!;
    const low = 6 + (seed % 11);
    const high = low + 4 + ((seed >>> 8) % 7);
    return `day ${index + 1} ${condition} ${low}–${high}°C`;
  });
  return `${city}, ${days} ${days === 1 ? 'day' : 'days'}: ${entries.join('; ')}`;
}

/** Fixed demo rates: units of each currency per euro. */
export const EURO_RATES = { EUR: 1, USD: 1.08, GBP: 0.85, CHF: 0.95, JPY: 162 } as const;

export type Currency = keyof typeof EURO_RATES;

export const CURRENCIES = Object.keys(EURO_RATES) as [Currency, ...Currency[]];

/** `amount` of `from` in `to` at the demo rates, e.g. "100 EUR = 108.00 USD". */
export function convertCurrency(amount: number, from: Currency, to: Currency): string {
  const converted = (amount / EURO_RATES[from]) * EURO_RATES[to];
  return `${amount} ${from} = ${converted.toFixed(2)} ${to}`;
}
