export * from './kube/quantity';
