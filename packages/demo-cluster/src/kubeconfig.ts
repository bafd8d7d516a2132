import YAML from 'yaml';

/** Builds a kubeconfig with one context per user, the first current. */
export function buildKubeconfig(options: {
  name: string;
  url: string;
  caPem?: string;
  users: Array<{ suffix: string; token: string }>;
}): string {
  const { name, url, caPem, users } = options;
  const cluster: Record<string, unknown> = { server: url };
  if (caPem) {
    cluster['certificate-authority-data'] =
      Buffer.from(caPem).toString('base64');
  } else if (url.startsWith('https:')) {
    cluster['insecure-skip-tls-verify'] = true;
  }
  const contextName = (suffix: string) => (suffix ? `${name}-${suffix}` : name);
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name, cluster }],
    users: users.map(u => ({
      name: `${contextName(u.suffix)}-user`,
      user: { token: u.token },
    })),
    contexts: users.map(u => ({
      name: contextName(u.suffix),
      context: { cluster: name, user: `${contextName(u.suffix)}-user` },
    })),
    'current-context': contextName(users[0]?.suffix ?? ''),
  });
}
