export * from './scripted-openai/index.js';
