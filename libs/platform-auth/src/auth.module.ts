import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { AccessRulesService } from './access-rules.service';
import { AuthService } from './auth.service';
import { CredentialsMiddleware } from './credentials.middleware';
import { ApiKeyEntity } from './entities/api-key.entity';
import { UserEntity } from './entities/user.entity';

export const AUTH_ENTITIES = [UserEntity, ApiKeyEntity];

@Global()
@Module({
  imports: [TypeOrmModule.forFeature(AUTH_ENTITIES), DiscoveryModule],
  providers: [AuthService, CredentialsMiddleware, AccessRulesService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService, CredentialsMiddleware, AccessRulesService, TypeOrmModule],
})
export class AuthModule {}
