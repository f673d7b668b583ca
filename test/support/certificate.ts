import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface Certificate {
  key: string;
  cert: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

/**
 * A self-signed certificate made now by openssl (the repository holds no private key), valid for
 * `subjectAltName` (by default the address 127.0.0.1), kept until the test file ends; undefined when
 * openssl is missing. Call it at a describe's top level.
 */
export function selfSignedCertificate(commonName = '127.0.0.1', subjectAltName = 'IP:127.0.0.1'): Certificate | undefined {
  // Not makeTree: its folders go after each test, and the certificate serves the whole file.
  const folder = mkdtempSync(join(tmpdir(), 'orc-tls-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        `subjectAltName=${subjectAltName}`,
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
