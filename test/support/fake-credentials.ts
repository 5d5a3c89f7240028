/**
 * Made-up credentials in the shapes the default scrubber knows, fresh on every call. Each is
 * assembled at run time from a prefix and random characters, so no key-shaped text is in the
 * source. `needle` is the part that must never be stored; `text` is how it is planted.
 */
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

export const randomToken = (alphabet: string, length: number): string =>
  Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');

const joined = (...parts: string[]): string => parts.join('');
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface PlantedSecret {
  text: string;
  needle: string;
}

export function fakeCredentials(): Record<string, PlantedSecret> {
  const plain = (text: string, needle = text): PlantedSecret => ({ text, needle });
  const openaiKey = joined('sk', '-proj-', randomToken(ALNUM, 40));
  const bearer = randomToken(ALNUM, 32);
  const awsSecret = randomToken(ALNUM, 40);
  const pemBody = randomToken(ALNUM, 64);
  const dbPassword = randomToken(ALNUM, 20);
  const jwt = [base64url({ alg: 'HS256', typ: 'JWT' }), base64url({ sub: randomToken(ALNUM, 12), iat: 1 }), randomToken(BASE64URL, 43)].join('.');
  const azureKey = `${randomToken(BASE64, 86)}==`;
  const sasSignature = randomToken(ALNUM, 43);
  const slackSecret = randomToken(ALNUM, 24);
  const assignedKey = randomToken(ALNUM, 24);
  const password = randomToken(ALNUM, 14);
  return {
    openaiKey: plain(openaiKey, openaiKey.slice(8)),
    bearer: plain(`Authorization: ${joined('Bear', 'er')} ${bearer}`, bearer),
    awsKeyId: plain(joined('AK', 'IA', randomToken(UPPER, 16))),
    awsSecret: plain(`${joined('aws_secret', '_access_key')}=${awsSecret}`, awsSecret),
    privateKey: plain(`-----BEGIN RSA ${joined('PRIV', 'ATE')} KEY-----\n${pemBody}\n-----END RSA ${joined('PRIV', 'ATE')} KEY-----`, pemBody),
    basicAuthUrl: plain(`postgres://admin:${dbPassword}@db.internal.example:5432/app`, dbPassword),
    stripeSecretKey: plain(joined('sk', '_live_', randomToken(ALNUM, 24))),
    stripeRestrictedKey: plain(joined('rk', '_live_', randomToken(ALNUM, 24))),
    googleApiKey: plain(joined('AI', 'za', randomToken(BASE64URL, 35))),
    jwt: plain(jwt, jwt.split('.')[2]!),
    azureStorageKey: plain(`DefaultEndpointsProtocol=https;AccountName=acme;${joined('Account', 'Key')}=${azureKey};EndpointSuffix=core.windows.net`, azureKey.slice(0, 40)),
    azureSas: plain(`https://acme.blob.core.windows.net/c/f.txt?sv=2024-01-01&sp=r&${joined('si', 'g')}=${sasSignature}`, sasSignature),
    slackWebhook: plain(`https://${joined('hooks', '.slack.com')}/services/T${randomToken(UPPER, 10)}/B${randomToken(UPPER, 10)}/${slackSecret}`, slackSecret),
    apiKeyAssignment: plain(`${joined('api', '_key')}=${assignedKey}`, assignedKey),
    passwordAssignment: plain(`${joined('pass', 'word')}: ${password}`, password),
    npmToken: plain(joined('npm', '_', randomToken(ALNUM, 36))),
    pypiToken: plain(joined('pypi', '-AgEIcHlwaS5vcmc', randomToken(BASE64URL, 70))),
  };
}
