// LocalRegistry: Drydock's Docker Hub — the registry the learner pushes to, kept in the
// browser (a KeyValueStore: IndexedDB) apart from the lab's snapshot, so a pushed image stays
// when the lab is reset to an older state. Accounts are local: the first login with a name
// makes the account; passwords are kept only as salted PBKDF2 hashes, and a login hands out a
// token (what the client stores and sends with a push).
import type { KeyValueStore } from '../persist/kv-store';
import { randomHex, sha256Digest } from '../lib/digest';

export interface Repository {
  /** "alice/app" */
  name: string;
  owner: string;
  /** tag → manifest digest */
  tags: Record<string, string>;
  pushedAt: number;
}

interface Account {
  salt: string;
  hash: string;
  iterations: number;
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

const REPOS = 'registry/repositories';
const ACCOUNTS = 'registry/accounts';
const TOKENS = 'registry/tokens';
const BLOB = 'registry/blob/';
const PBKDF2_ITERATIONS = 100_000;
/** Docker Hub's rule for user names (4-30 lowercase letters and digits). */
const USERNAME = /^[a-z0-9]{4,30}$/;

async function passwordHash(password: string, salt: string, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode(salt), iterations }, key, 256);
  return [...new Uint8Array(bits)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class LocalRegistry {
  constructor(private readonly store: KeyValueStore) {}

  async repositories(): Promise<Repository[]> {
    return Object.values((await this.store.get<Record<string, Repository>>(REPOS)) ?? {});
  }

  async hasBlob(digest: string): Promise<boolean> {
    return (await this.store.keys()).includes(BLOB + digest);
  }

  async blob(digest: string): Promise<Uint8Array | undefined> {
    return this.store.get<Uint8Array>(BLOB + digest);
  }

  /** Stores blobs (content-addressed: the digest is checked). */
  async putBlobs(blobs: Uint8Array[]): Promise<void> {
    const puts: Array<[string, unknown]> = [];
    for (const b of blobs) puts.push([BLOB + (await sha256Digest(b)), b]);
    await this.store.commit(puts);
  }

  /** Stores a manifest and points the tag at it; returns the manifest's digest. */
  async putManifest(repository: string, tag: string, manifest: Uint8Array, owner: string): Promise<string> {
    const digest = await sha256Digest(manifest);
    const repos = (await this.store.get<Record<string, Repository>>(REPOS)) ?? {};
    const repo = repos[repository] ?? { name: repository, owner, tags: {}, pushedAt: 0 };
    repo.tags[tag] = digest;
    repo.pushedAt = Date.now();
    repos[repository] = repo;
    await this.store.commit([[BLOB + digest, manifest], [REPOS, repos]]);
    return digest;
  }

  /**
   * Checks a name and password, making the account on first use; returns a token for the
   * client to keep instead of the password.
   */
  async login(username: string, password: string): Promise<string> {
    if (!USERNAME.test(username)) throw new UnauthorizedError('incorrect username or password');
    const accounts = (await this.store.get<Record<string, Account>>(ACCOUNTS)) ?? {};
    const account = accounts[username];
    if (account) {
      if ((await passwordHash(password, account.salt, account.iterations)) !== account.hash) throw new UnauthorizedError('incorrect username or password');
    } else {
      const salt = randomHex(16);
      accounts[username] = { salt, iterations: PBKDF2_ITERATIONS, hash: await passwordHash(password, salt, PBKDF2_ITERATIONS) };
    }
    const token = randomHex(24);
    const tokens = (await this.store.get<Record<string, string>>(TOKENS)) ?? {};
    tokens[(await sha256Digest(new TextEncoder().encode(token))).slice(7)] = username;
    await this.store.commit([[ACCOUNTS, accounts], [TOKENS, tokens]]);
    return token;
  }

  /** Whose token this is (null if none: never given, or logged out). */
  async user(token: string | undefined): Promise<string | null> {
    if (!token) return null;
    const tokens = (await this.store.get<Record<string, string>>(TOKENS)) ?? {};
    return tokens[(await sha256Digest(new TextEncoder().encode(token))).slice(7)] ?? null;
  }

  async logout(token: string): Promise<void> {
    const tokens = (await this.store.get<Record<string, string>>(TOKENS)) ?? {};
    delete tokens[(await sha256Digest(new TextEncoder().encode(token))).slice(7)];
    await this.store.commit([[TOKENS, tokens]]);
  }
}
