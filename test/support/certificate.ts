import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
  key: string;
  cert: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  /** Removes the files. */
  remove(): void;
}

/**
 * A self-signed certificate made now by openssl (the repository holds no private key), valid for
 * `subjectAltName` (`DNS:api.openrouter.test,IP:127.0.0.1`); undefined when openssl is missing.
 */
export function selfSignedCertificate(commonName: string, subjectAltName: string): Certificate | undefined {
  const folder = mkdtempSync(join(tmpdir(), 'orc-tls-'));
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  const remove = (): void => rmSync(folder, { recursive: true, force: true });
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${subjectAltName}`],
      { stdio: 'ignore' },
    );
  } catch {
    remove();
    return undefined;
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, remove };
}
