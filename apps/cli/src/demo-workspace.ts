import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@marquee/accounts';
import { SYSTEM_ACTOR } from '@marquee/audit';
import { CatalogService, demoItems } from '@marquee/catalog';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';

export interface DemoCredentials {
  adminEmail: string;
  adminPassword: string | null;
  apiKey: string;
  items: number;
}

/**
 * The first start on an empty database creates a workspace to explore: an admin, a client API key and a sample
 * catalogue. It runs only when there are no users at all, so a second start (or a real workspace) gets nothing.
 */
@Injectable()
export class DemoWorkspace {
  private readonly logger = new Logger('Demo');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsService,
    private readonly catalog: CatalogService,
  ) {}

  async isEmpty(): Promise<boolean> {
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM users');
    return n === 0;
  }

  async create(): Promise<DemoCredentials | null> {
    const actor = SYSTEM_ACTOR('setup');
    // An advisory lock keeps two processes starting at once from both seeding.
    const created = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(727272)');
      const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM users');
      if (n > 0) return null;
      const admin = await this.accounts.createUser(
        actor,
        { email: this.config.adminEmail ?? 'admin@marquee.local', displayName: 'Demo Admin', role: 'admin', password: this.config.adminPassword ?? null },
        tx,
      );
      const key = await this.accounts.createApiKey(actor, 'Demo client app', tx);
      return { adminEmail: admin.user.email, adminPassword: admin.temporaryPassword, apiKey: key.secret };
    });
    if (!created) return null;
    let items = 0;
    for (const input of demoItems(this.config.publicUrl)) {
      await this.catalog.createItem(actor, input);
      items++;
    }
    this.logger.log(`Demo workspace created: ${items} items.`);
    return { ...created, items };
  }
}
