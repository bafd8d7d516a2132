import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import type { ChainTelemetry } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import { loadFixtureObjects } from './fixtures';

const CASES = path.resolve(__dirname, '..', 'diagnostics', '__fixtures__');

/**
 * One fixture of a diagnostic rule: the chains it starts from (files of
 * `__fixtures__/chains`), what it removes from them (`group/Kind ns/name`,
 * `core` for the core group), and the objects it changes or adds (each a
 * JSON merge patch, RFC 7386, onto the object of the same group, kind,
 * namespace and name; or a new object).
 */
export interface RuleCase {
  file: string;
  /** What the case shows, from its first comment line. */
  title: string;
  selector: string;
  namespace?: string;
  /** For `fires`: text a message of the code must contain. */
  message?: string;
  /**
   * For traffic rules: the chain's figures (`ChainTelemetry`; `routes`,
   * `unrouted` and `autoscalers` default to none).
   */
  telemetry?: ChainTelemetry;
  objects: KubeObject[];
}

function identity(o: { apiVersion?: string; kind?: string; metadata?: any }) {
  const group = (o.apiVersion ?? '').includes('/')
    ? String(o.apiVersion).split('/')[0]
    : 'core';
  return `${group}/${o.kind} ${o.metadata?.namespace ?? ''}/${
    o.metadata?.name
  }`;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else {
      out[key] = mergePatch(out[key], value);
    }
  }
  return out;
}

/** The codes that have a fixture folder. */
export function ruleCaseCodes(): string[] {
  return fs.existsSync(CASES)
    ? fs.readdirSync(CASES).filter(f => /^MESH-\d{4}$/.test(f))
    : [];
}

/** Whether a code has a fixture of this variant. */
export function hasRuleCase(code: string, variant: 'fires' | 'quiet') {
  return fs.existsSync(path.join(CASES, code, `${variant}.yaml`));
}

/** Loads `__fixtures__/<code>/<variant>.yaml`. */
export function loadRuleCase(
  code: string,
  variant: 'fires' | 'quiet',
): RuleCase {
  const file = path.join(CASES, code, `${variant}.yaml`);
  const text = fs.readFileSync(file, 'utf8');
  const [head, ...patches] = parseAllDocuments(text).map(d => d.toJS());
  const spec = head?.case;
  if (!spec || !Array.isArray(spec.chains) || !spec.selector) {
    throw new Error(
      `${file}: the first document must be "case:" with chains and selector`,
    );
  }
  const remove = new Set<string>(spec.remove ?? []);
  let objects = loadFixtureObjects(...spec.chains).filter(
    o => !remove.has(identity(o)),
  );
  for (const patch of patches.filter(Boolean)) {
    const id = identity(patch);
    const index = objects.findIndex(o => identity(o) === id);
    if (index >= 0) {
      objects = objects.map((o, i) =>
        i === index ? (mergePatch(o, patch) as KubeObject) : o,
      );
    } else {
      objects.push(patch as KubeObject);
    }
  }
  return {
    file: path.relative(CASES, file),
    title: (/^#\s*(.*)$/m.exec(text)?.[1] ?? '').trim(),
    selector: spec.selector,
    ...(spec.namespace && { namespace: spec.namespace }),
    ...(spec.message && { message: spec.message }),
    ...(spec.telemetry && {
      telemetry: {
        state: 'ok',
        windowSeconds: 60,
        tolerances: [],
        routes: [],
        unrouted: [],
        autoscalers: [],
        health: {},
        diagnostics: [],
        ...spec.telemetry,
      },
    }),
    objects,
  };
}
