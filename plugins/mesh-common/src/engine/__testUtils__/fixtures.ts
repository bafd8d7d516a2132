import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import type { KubeObject } from '../kube/KubeObject';

const FIXTURES = path.resolve(__dirname, '..', '__fixtures__', 'chains');

/** Objects of fixture files in `__fixtures__` (names without `.yaml`). */
export function loadFixtureObjects(...names: string[]): KubeObject[] {
  return names.flatMap(name =>
    parseAllDocuments(
      fs.readFileSync(path.join(FIXTURES, `${name}.yaml`), 'utf8'),
    )
      .map(doc => doc.toJS() as KubeObject)
      .filter(Boolean),
  );
}

/** A snapshot of the shared istio-system objects plus the named fixtures. */
export function loadFixture(...names: string[]): MemorySnapshot {
  return MemorySnapshot.fromObjects(
    loadFixtureObjects('istio-system', ...names),
    { clusterName: 'dev', observedAt: '2026-11-25T12:00:00Z' },
  );
}
