import { readFileSync } from 'node:fs';

// A throwaway CA, a server certificate for localhost/127.0.0.1 and a client certificate, for tests only.
export const fixturePath = (name: string) => new URL(`../fixtures/tls/${name}`, import.meta.url).pathname;
export const fixture = (name: string) => readFileSync(fixturePath(name));
