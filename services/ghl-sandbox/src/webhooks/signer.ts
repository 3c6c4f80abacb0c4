import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface PublicKeys {
  /** SPKI PEM, verifies `X-GHL-Signature`. */
  ed25519: string;
  /** SPKI PEM, verifies the legacy `x-wh-signature`. */
  rsa: string;
}

/** PKCS#8 PEM private keys, kept in the state file so a restarted sandbox signs the same way. */
export interface PrivateKeys {
  ed25519: string;
  rsa: string;
}

export interface Signer {
  publicKeys: PublicKeys;
  /** Both signatures over the exact bytes that go on the wire. */
  sign(raw: Buffer): { ed25519: string; rsa: string };
  privateKeys(): PrivateKeys;
}

interface Keys {
  ed: KeyObject;
  rsa: KeyObject;
  publicKeys: PublicKeys;
}

// GHL's RSA key is 4096-bit; generating one takes seconds, so keys are made once per process
// (per size) and shared by every sandbox started in it.
const cache = new Map<number, Promise<Keys>>();

function spki(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

async function makeKeys(rsaBits: number): Promise<Keys> {
  const [ed, rsa] = await Promise.all([
    generate('ed25519'),
    generate('rsa', { modulusLength: rsaBits, publicExponent: 0x10001 }),
  ]);
  return {
    ed: ed.privateKey,
    rsa: rsa.privateKey,
    publicKeys: { ed25519: spki(ed.privateKey), rsa: spki(rsa.privateKey) },
  };
}

function loadKeys(saved: PrivateKeys): Keys {
  const ed = createPrivateKey(saved.ed25519);
  const rsa = createPrivateKey(saved.rsa);
  if (ed.asymmetricKeyType !== 'ed25519' || rsa.asymmetricKeyType !== 'rsa') {
    throw new Error('saved webhook signing keys are not an Ed25519 and an RSA key');
  }
  return { ed, rsa, publicKeys: { ed25519: spki(ed), rsa: spki(rsa) } };
}

/** Signs with `saved` keys when given (a restored state), else with keys made for this process. */
export async function createSigner(rsaBits: number, saved?: PrivateKeys): Promise<Signer> {
  let keys: Keys;
  if (saved) {
    keys = loadKeys(saved);
  } else {
    let made = cache.get(rsaBits);
    if (!made) {
      made = makeKeys(rsaBits);
      cache.set(rsaBits, made);
    }
    keys = await made;
  }
  const { ed, rsa, publicKeys } = keys;
  // Exported once: the state file is rewritten often (debounced), the keys never change.
  const pems: PrivateKeys = {
    ed25519: ed.export({ type: 'pkcs8', format: 'pem' }).toString(),
    rsa: rsa.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return {
    publicKeys,
    sign: (raw) => ({
      ed25519: sign(null, raw, ed).toString('base64'),
      // PKCS#1 v1.5 is Node's default padding for RSA keys.
      rsa: sign('sha256', raw, rsa).toString('base64'),
    }),
    privateKeys: () => pems,
  };
}
