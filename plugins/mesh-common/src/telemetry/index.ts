export * from './samples';
export * from './quantile';
export * from './chainTraffic';
