import { Module } from '@nestjs/common';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';

@Module({ providers: [AccountsService], exports: [AccountsService] })
export class AccountsCoreModule {}

@Module({ imports: [AccountsCoreModule], providers: [AccountsResolver] })
export class AccountsApiModule {}
