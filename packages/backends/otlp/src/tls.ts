import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OtlpConfigError } from './config-error.js';
import type { ResolvedTls, TlsMaterial } from './config.js';

export interface TlsFiles {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

/** Reads the TLS material the configuration names; a file that cannot be read is a configuration error. */
export function loadTls(tls: ResolvedTls): TlsFiles {
  const files: TlsFiles = {};
  if (tls.certificate) files.ca = load(tls.certificate);
  if (tls.clientKey) files.key = load(tls.clientKey);
  if (tls.clientCertificate) files.cert = load(tls.clientCertificate);
  return files;
}

function load(material: TlsMaterial): Buffer {
  if ('pem' in material) return Buffer.from(material.pem);
  try {
    return readFileSync(resolve(material.file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OtlpConfigError(`Could not read the file ${material.variable}="${material.file}" names (${code}).`);
  }
}
