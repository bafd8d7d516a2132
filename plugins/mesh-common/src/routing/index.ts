export * from './hosts';
export * from './match';
export * from './regex';
export * from './simulate';
export * from './weights';
