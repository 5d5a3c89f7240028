export * from './tree/span-tree.js';
