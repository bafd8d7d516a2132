export * from './fieldStructure';
export * from './modelSchema';
