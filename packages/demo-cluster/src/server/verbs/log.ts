/*
 * A pod's `log` subresource: the lines its container wrote so far
 * (`tailLines`, `timestamps`), and with `follow=true` a chunked stream
 * that goes on while the pod lives.
 */
import { badRequest } from '../../api/errors';
import { nextLogLine, podLogLines } from '../logs';
import type { ResourceCall, ServerParts } from './ResourceCall';

/** The container whose log is asked for: named, or the pod's only one. */
function containerOf(pod: any, name: string, query: URLSearchParams): string {
  const names: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  let container = query.get('container') ?? undefined;
  if (!container) {
    if (names.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(
          ' ',
        )}]`,
      );
    }
    container = names[0];
  }
  if (!names.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const status = (pod.status?.containerStatuses ?? []).find(
    (c: any) => c.name === container,
  );
  if (!status?.state?.running) {
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    throw badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ${reason}`,
    );
  }
  return container;
}

/** GET `pods/{name}/log`. */
export function podLog(call: ResourceCall, parts: ServerParts) {
  const { res } = call;
  const { type } = call.route;
  const namespace = call.route.namespace!;
  const name = call.route.name!;
  const { query } = call.request;
  const pod = parts.api.get(type, namespace, name);
  const container = containerOf(pod, name, query);
  let lines = podLogLines(pod, container, { periodMs: parts.logPeriodMs });
  const tail = query.get('tailLines');
  if (tail !== null)
    lines = lines.slice(Math.max(0, lines.length - Number(tail)));
  const timestamps = query.get('timestamps') === 'true';
  const fmt = (l: string) => (timestamps ? l : l.replace(/^\S+ /, ''));
  if (query.get('follow') !== 'true') {
    parts.responses.send(
      res,
      200,
      lines.map(l => `${fmt(l)}\n`).join(''),
      'text/plain',
    );
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Transfer-Encoding': 'chunked',
  });
  for (const l of lines) res.write(`${fmt(l)}\n`);
  parts.streams.add(res);
  let n = 0;
  const timer = setInterval(() => {
    const current = parts.store.get(type, namespace, name);
    if (!current || current.metadata.uid !== pod.metadata.uid) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(`${fmt(nextLogLine(pod, n++))}\n`);
  }, parts.logPeriodMs);
  timer.unref();
  res.on('close', () => {
    clearInterval(timer);
    parts.streams.delete(res);
  });
}
