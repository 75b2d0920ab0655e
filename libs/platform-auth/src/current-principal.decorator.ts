import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestFromContext } from './access.guard';
import { ANONYMOUS, Principal } from './principal';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => requestFromContext(ctx)?.principal ?? ANONYMOUS);
