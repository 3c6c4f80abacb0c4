import { generateKeyPair, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface PublicKeys {
  /** SPKI PEM, verifies `X-GHL-Signature`. */
  ed25519: string;
  /** SPKI PEM, verifies the legacy `x-wh-signature`. */
  rsa: string;
}

export interface Signer {
  publicKeys: PublicKeys;
  /** Both signatures over the exact bytes that go on the wire. */
  sign(raw: Buffer): { ed25519: string; rsa: string };
}

// GHL's RSA key is 4096-bit; generating one takes seconds, so keys are made once per process
// (per size) and shared by every sandbox started in it.
const cache = new Map<number, Promise<{ ed: KeyObject; rsa: KeyObject; publicKeys: PublicKeys }>>();

async function makeKeys(rsaBits: number): Promise<{ ed: KeyObject; rsa: KeyObject; publicKeys: PublicKeys }> {
  const [ed, rsa] = await Promise.all([
    generate('ed25519'),
    generate('rsa', { modulusLength: rsaBits, publicExponent: 0x10001 }),
  ]);
  return {
    ed: ed.privateKey,
    rsa: rsa.privateKey,
    publicKeys: {
      ed25519: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      rsa: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  };
}

export async function createSigner(rsaBits: number): Promise<Signer> {
  let keys = cache.get(rsaBits);
  if (!keys) {
    keys = makeKeys(rsaBits);
    cache.set(rsaBits, keys);
  }
  const { ed, rsa, publicKeys } = await keys;
  return {
    publicKeys,
    sign: (raw) => ({
      ed25519: sign(null, raw, ed).toString('base64'),
      // PKCS#1 v1.5 is Node's default padding for RSA keys.
      rsa: sign('sha256', raw, rsa).toString('base64'),
    }),
  };
}
