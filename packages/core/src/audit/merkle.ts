/**
 * A Merkle tree hash with the shape of RFC 6962 (Certificate Transparency), §2.1: domain-separated
 * leaf and node hashes, and a split at the largest power of two below the leaf count, so a tree
 * over n leaves has one well-defined hash without padding.
 */
import { createHash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** SHA-256(0x00 ‖ data). */
export const merkleLeafHash = (data: Buffer): Buffer => sha256(LEAF_PREFIX, data);

/** SHA-256(0x01 ‖ left ‖ right). */
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The tree hash over leaf hashes in order; SHA-256 of nothing for an empty list. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}
