import { ApiError } from './errors';
import {
  fromLabelSelectorSpec,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('label selectors', () => {
  it('parses equality, set-based and existence requirements', () => {
    const s = parseLabelSelector(
      'app=web, tier!=db,env in (prod, staging),!legacy,team',
    );
    expect(s.matches({ app: 'web', env: 'prod', team: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', env: 'dev', team: 'a' })).toBe(false);
    expect(s.matches({ app: 'web', env: 'prod', team: 'a', legacy: 'y' })).toBe(
      false,
    );
    expect(s.matches({ app: 'web', env: 'prod', team: 'a', tier: 'db' })).toBe(
      false,
    );
    expect(s.matches({ app: 'web', env: 'prod' })).toBe(false);
    expect(parseLabelSelector('env notin (dev)').matches({})).toBe(true);
    expect(parseLabelSelector('app==web').matches({ app: 'web' })).toBe(true);
    expect(parseLabelSelector('').empty).toBe(true);
  });

  it('answers bad syntax with a 400 naming the selector', () => {
    let error: unknown;
    try {
      parseLabelSelector('app=web,=x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(400);
    expect((error as ApiError).message).toContain(
      'unable to parse requirement',
    );
    expect((error as ApiError).message).toContain('app=web,=x');
  });

  it('converts structured selectors; a missing selector selects nothing', () => {
    const s = fromLabelSelectorSpec({
      matchLabels: { app: 'a' },
      matchExpressions: [{ key: 'v', operator: 'In', values: ['1', '2'] }],
    });
    expect(s.matches({ app: 'a', v: '2' })).toBe(true);
    expect(s.matches({ app: 'a', v: '3' })).toBe(false);
    expect(fromLabelSelectorSpec(undefined).matches({})).toBe(false);
    expect(fromLabelSelectorSpec({}).matches({ any: 'thing' })).toBe(true);
  });
});

describe('field selectors', () => {
  it('supports metadata fields and the pod and event fields kubectl uses', () => {
    const pod: any = {
      metadata: { name: 'p', namespace: 'n' },
      status: { phase: 'Running' },
      spec: { nodeName: 'n1' },
    };
    expect(
      parseFieldSelector(
        'metadata.name=p,status.phase!=Pending',
        'Pod',
      ).matches(pod),
    ).toBe(true);
    expect(parseFieldSelector('spec.nodeName=n2', 'Pod').matches(pod)).toBe(
      false,
    );
    const event: any = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'p', uid: 'u' },
    };
    expect(
      parseFieldSelector(
        'involvedObject.name=p,involvedObject.kind=Pod',
        'Event',
      ).matches(event),
    ).toBe(true);
    expect(() => parseFieldSelector('spec.replicas=3', 'Deployment')).toThrow(
      /"spec.replicas" is not a known field selector/,
    );
  });
});
