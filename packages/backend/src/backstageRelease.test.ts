/*
 * Every @backstage/* package in the install must come from one Backstage
 * release: the root package.json pins them (resolutions) to the versions of
 * the release named in backstage.json, and yarn.lock must resolve each to
 * exactly that version. Mixed releases are how a backend ends up logging
 * "Plugin 'signals' startup failed".
 */
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '../../..');

function lockedVersions(): Map<string, Set<string>> {
  const lock = fs.readFileSync(path.join(root, 'yarn.lock'), 'utf8');
  const result = new Map<string, Set<string>>();
  const entry = /^"?(@backstage\/[^@\s"]+)@[^\n]*:\n {2}version: ([^\n]+)$/gm;
  for (const match of lock.matchAll(entry)) {
    const [, name, version] = match;
    if (!result.has(name)) result.set(name, new Set());
    result.get(name)!.add(version.trim());
  }
  return result;
}

describe('Backstage release alignment', () => {
  const rootPkg = JSON.parse(
    fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
  );
  const pins: Record<string, string> = rootPkg.resolutions;

  it('names a 1.55 release in backstage.json', () => {
    const { version } = JSON.parse(
      fs.readFileSync(path.join(root, 'backstage.json'), 'utf8'),
    );
    expect(version).toMatch(/^1\.55\.\d+$/);
  });

  it('resolves every installed @backstage package to its pinned version, once', () => {
    const locked = lockedVersions();
    expect(locked.size).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const [name, versions] of locked) {
      if (!pins[name]) {
        problems.push(`${name} is installed but not pinned in resolutions`);
      } else if (versions.size !== 1 || !versions.has(pins[name])) {
        problems.push(
          `${name} resolves to ${[...versions].join(', ')}, pinned ${
            pins[name]
          }`,
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
