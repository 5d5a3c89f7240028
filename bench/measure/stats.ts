/** Linear-interpolated quantile of unsorted values (q in [0, 1]). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (position - below);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Median with the quartiles around it. */
export interface Spread {
  median: number;
  p25: number;
  p75: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75) };
}

export const scaleSpread = (s: Spread, factor: number): Spread => ({
  median: s.median * factor,
  p25: s.p25 * factor,
  p75: s.p75 * factor,
});

/** Differences of paired samples (same repetition), a[i] − b[i]. */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, i) => value - (b[i] ?? Number.NaN)).filter((d) => Number.isFinite(d));
}

/** A deterministic shuffle, so a run's interleaving order can be repeated. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
