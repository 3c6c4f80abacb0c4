import { type Db, ghlTokens } from '@ghl-bridge/db';
import { openSecret, sealSecret } from '@ghl-bridge/secrets';
import { and, eq, sql } from 'drizzle-orm';

export interface TokenSet {
  resourceId: string;
  userType: 'Location' | 'Company';
  companyId?: string | null | undefined;
  accessToken: string;
  refreshToken?: string | null | undefined;
  expiresAt: Date;
  scopes?: string | undefined;
}

export interface StoredTokens extends TokenSet {
  version: number;
  status: 'active' | 'needs_reauth';
  statusReason: string | null;
}

/** Tokens per location or company in Postgres, encrypted; `version` guards every rotation. */
export class TokenStore {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
  ) {}

  async get(resourceId: string): Promise<StoredTokens | undefined> {
    const [row] = await this.db.select().from(ghlTokens).where(eq(ghlTokens.resourceId, resourceId));
    if (!row) return undefined;
    return {
      resourceId: row.resourceId,
      userType: row.userType,
      companyId: row.companyId,
      accessToken: openSecret(this.key, row.accessTokenEnc, row.resourceId),
      refreshToken: row.refreshTokenEnc ? openSecret(this.key, row.refreshTokenEnc, row.resourceId) : null,
      expiresAt: row.expiresAt,
      scopes: row.scopes,
      version: row.version,
      status: row.status,
      statusReason: row.statusReason,
    };
  }

  /** A new install (or re-authorisation): replaces whatever was there and makes it active. */
  async save(tokens: TokenSet): Promise<number> {
    const values = this.encrypt(tokens);
    const [row] = await this.db
      .insert(ghlTokens)
      .values(values)
      .onConflictDoUpdate({
        target: ghlTokens.resourceId,
        set: {
          ...values,
          version: sql`${ghlTokens.version} + 1`,
          status: 'active',
          statusReason: null,
          updatedAt: new Date(),
        },
      })
      .returning({ version: ghlTokens.version });
    return row?.version ?? 1;
  }

  /** Bootstrap from the environment: only when nothing is stored yet, never over a rotated pair. */
  async saveIfAbsent(tokens: TokenSet): Promise<boolean> {
    const rows = await this.db
      .insert(ghlTokens)
      .values(this.encrypt(tokens))
      .onConflictDoNothing()
      .returning();
    return rows.length > 0;
  }

  /** Stores a rotated pair only over the version it was refreshed from; false if a peer got there first. */
  async compareAndSet(expectedVersion: number, tokens: TokenSet): Promise<number | undefined> {
    const [row] = await this.db
      .update(ghlTokens)
      .set({
        ...this.encrypt(tokens),
        version: expectedVersion + 1,
        status: 'active',
        statusReason: null,
        updatedAt: new Date(),
      })
      .where(and(eq(ghlTokens.resourceId, tokens.resourceId), eq(ghlTokens.version, expectedVersion)))
      .returning({ version: ghlTokens.version });
    return row?.version;
  }

  async markNeedsReauth(resourceId: string, reason: string): Promise<void> {
    await this.db
      .update(ghlTokens)
      .set({ status: 'needs_reauth', statusReason: reason, updatedAt: new Date() })
      .where(eq(ghlTokens.resourceId, resourceId));
  }

  private encrypt(tokens: TokenSet) {
    return {
      resourceId: tokens.resourceId,
      userType: tokens.userType,
      companyId: tokens.companyId ?? null,
      accessTokenEnc: sealSecret(this.key, tokens.accessToken, tokens.resourceId),
      refreshTokenEnc: tokens.refreshToken
        ? sealSecret(this.key, tokens.refreshToken, tokens.resourceId)
        : null,
      expiresAt: tokens.expiresAt,
      scopes: tokens.scopes ?? '',
    };
  }
}
