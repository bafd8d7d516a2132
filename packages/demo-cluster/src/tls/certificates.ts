/*
 * A self-signed certificate authority and serving certificates (ECDSA P-256,
 * made with WebCrypto through @peculiar/x509: a few milliseconds each).
 * The CA can be kept in a directory and shared by several clusters, so one
 * `caFile` trusts them all; its creation is atomic, so clusters started at
 * the same time agree on one CA.
 */
import { webcrypto } from 'crypto';
import fs from 'fs';
import path from 'path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;

/** A certificate authority: PEM certificate and PKCS#8 key. @public */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

function pem(label: string, der: ArrayBuffer) {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trim()}\n-----END ${label}-----\n`;
}

function derOf(p: string) {
  return Buffer.from(
    p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
}

function serial() {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

/** Creates a new CA, valid for ten years. */
export async function createCertificateAuthority(
  commonName = 'mesh-chain demo cluster CA',
): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys: keys as CryptoKeyPair,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.cRLSign |
          x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(
        keys.publicKey as CryptoKey,
      ),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: pem('PRIVATE KEY', key) };
}

/** Issues a serving certificate for the given DNS names and IP addresses. */
export async function issueServingCertificate(
  ca: CertificateAuthority,
  hosts: string[],
): Promise<{ certPem: string; keyPem: string }> {
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    derOf(ca.keyPem),
    ALG,
    false,
    ['sign'],
  );
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ]);
  const ip = /^(\d{1,3}\.){3}\d{1,3}$|:/;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=kube-apiserver',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 825 * DAY),
    signingKey: caKey as unknown as CryptoKey,
    publicKey: keys.publicKey as CryptoKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        [...new Set(hosts)].map(h =>
          ip.test(h)
            ? { type: 'ip' as const, value: h }
            : { type: 'dns' as const, value: h },
        ),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: pem('PRIVATE KEY', key) };
}

/**
 * Loads the CA kept in `dir` (`ca.crt`, `ca.key`), creating it on first use.
 * Safe when several processes start at once: the key is linked into place
 * atomically, so exactly one process creates the CA and the others wait for
 * its certificate and read it.
 */
export async function loadOrCreateCertificateAuthority(
  dir: string,
): Promise<CertificateAuthority> {
  const certFile = path.join(dir, 'ca.crt');
  const keyFile = path.join(dir, 'ca.key');
  const read = () => ({
    certPem: fs.readFileSync(certFile, 'utf8'),
    keyPem: fs.readFileSync(keyFile, 'utf8'),
  });
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return read();
  }
  fs.mkdirSync(dir, { recursive: true });
  const ca = await createCertificateAuthority();
  const tmp = path.join(dir, `.ca.${process.pid}.${Date.now()}`);
  fs.writeFileSync(`${tmp}.key`, ca.keyPem, { mode: 0o600 });
  fs.writeFileSync(`${tmp}.crt`, ca.certPem);
  let created = false;
  try {
    fs.linkSync(`${tmp}.key`, keyFile);
    created = true;
    fs.renameSync(`${tmp}.crt`, certFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(`${tmp}.key`, { force: true });
    fs.rmSync(`${tmp}.crt`, { force: true });
  }
  if (created) return ca;
  // Another process is creating it: wait for its certificate.
  for (let i = 0; i < 100 && !fs.existsSync(certFile); i++) {
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  if (!fs.existsSync(certFile)) {
    throw new Error(
      `${keyFile} exists but ${certFile} does not; delete both to create a new demo CA`,
    );
  }
  return read();
}
