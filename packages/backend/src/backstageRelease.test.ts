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

  it('pins every @backstage package to the version of that release', () => {
    const { version } = JSON.parse(
      fs.readFileSync(path.join(root, 'backstage.json'), 'utf8'),
    );
    const manifest = JSON.parse(
      fs.readFileSync(
        path.join(root, 'docs/backstage-release-manifest.json'),
        'utf8',
      ),
    );
    expect(manifest.releaseVersion).toBe(version);
    // The one exception: the release's 0.3.15 of this test-only package is
    // missing from the npm registry these machines use; 0.3.14 (the previous
    // release's) is API-compatible and its @backstage dependencies resolve to
    // this release through the pins above.
    const exceptions: Record<string, string> = {
      '@backstage/plugin-scaffolder-node-test-utils': '0.3.14',
    };
    const mismatches = Object.entries(pins)
      .filter(([name]) => name.startsWith('@backstage/'))
      .filter(
        ([name, pinned]) =>
          pinned !== (exceptions[name] ?? manifest.packages[name]),
      )
      .map(
        ([name, pinned]) =>
          `${name}: pinned ${pinned}, release ${version} has ${manifest.packages[name]}`,
      );
    expect(mismatches).toEqual([]);
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
