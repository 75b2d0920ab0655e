import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { AccessRulesService } from './access-rules.service';
import { AuthService } from './auth.service';
import { CredentialsMiddleware } from './credentials.middleware';
import { ApiKeyEntity } from './entities/api-key.entity';
import { LoginLimitEntity } from './entities/login-limit.entity';
import { EndedSessionEntity } from './entities/ended-session.entity';
import { UserEntity } from './entities/user.entity';
import { LoginLimits } from './login-limits';
import { ClientLimits } from './client-limits';

export const AUTH_ENTITIES = [UserEntity, ApiKeyEntity, LoginLimitEntity, EndedSessionEntity];

@Global()
@Module({
  imports: [TypeOrmModule.forFeature(AUTH_ENTITIES), DiscoveryModule],
  providers: [AuthService, LoginLimits, ClientLimits, CredentialsMiddleware, AccessRulesService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService, ClientLimits, CredentialsMiddleware, AccessRulesService, TypeOrmModule],
})
export class AuthModule {}
