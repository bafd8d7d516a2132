export * from './fieldStructure';
