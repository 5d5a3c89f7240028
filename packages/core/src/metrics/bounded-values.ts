/** What an attribute value becomes once its key has seen too many distinct values. */
export const OTHER_VALUE = '_OTHER';
/** Longer values are never kept as metric attributes: they are ids or content, not names. */
const MAX_VALUE_LENGTH = 128;

/**
 * Keeps metric cardinality bounded whatever the app names things: each attribute key keeps the
 * first `maxValuesPerKey` distinct values it sees, and every later value is recorded as `_OTHER`.
 */
export class BoundedValues {
  readonly #seen = new Map<string, Set<string | number | boolean>>();

  constructor(readonly maxValuesPerKey: number) {}

  bound(key: string, value: string | number | boolean): string | number | boolean {
    if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH) return OTHER_VALUE;
    let values = this.#seen.get(key);
    if (!values) this.#seen.set(key, (values = new Set()));
    if (values.has(value)) return value;
    if (values.size >= this.maxValuesPerKey) return OTHER_VALUE;
    values.add(value);
    return value;
  }
}
