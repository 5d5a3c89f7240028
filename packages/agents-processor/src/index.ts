export * from './tree/span-tree.js';
export * from './attributes.js';
