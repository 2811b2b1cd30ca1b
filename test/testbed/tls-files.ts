import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A certificate authority and the files it signed, in one temporary folder. */
export interface TestPki {
  dir: string;
  ca: string;
  /** Server certificate and key for 127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** Client certificate and key, the names DOCKER_CERT_PATH expects beside ca.pem. */
  clientCert: string;
  clientKey: string;
}

/**
 * Makes a CA, a server certificate for IP 127.0.0.1 and a client certificate with openssl, under
 * a new temporary folder (ca.pem, cert.pem and key.pem are the client's files, as Docker names
 * them). `name` keeps two PKIs apart.
 */
export function makeTestPki(name: string): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), `dsh-pki-${name}-`));
  const file = (base: string) => path.join(dir, base);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const newKey = (out: string) =>
    ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', out);

  newKey(file('ca-key.pem'));
  ssl(
    ...['req', '-x509', '-new', '-key', file('ca-key.pem'), '-out', file('ca.pem')],
    ...['-days', '2', '-subj', `/CN=dockstack test CA ${name}`],
  );

  const sign = (who: string, subject: string, extensions: string) => {
    newKey(file(`${who}-key.pem`));
    ssl(
      ...['req', '-new', '-key', file(`${who}-key.pem`), '-out', file(`${who}.csr`)],
      ...['-subj', subject],
    );
    writeFileSync(file(`${who}.ext`), extensions);
    ssl(
      ...['x509', '-req', '-in', file(`${who}.csr`), '-CA', file('ca.pem')],
      ...['-CAkey', file('ca-key.pem'), '-CAcreateserial', '-days', '2'],
      ...['-extfile', file(`${who}.ext`), '-out', file(`${who}-cert.pem`)],
    );
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=dockstack', 'extendedKeyUsage=clientAuth\n');

  copyFileSync(file('client-cert.pem'), file('cert.pem'));
  copyFileSync(file('client-key.pem'), file('key.pem'));
  return {
    dir,
    ca: file('ca.pem'),
    serverCert: file('server-cert.pem'),
    serverKey: file('server-key.pem'),
    clientCert: file('cert.pem'),
    clientKey: file('key.pem'),
  };
}
