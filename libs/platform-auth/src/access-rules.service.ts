import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ALLOW_METADATA } from './allow.decorator';
import type { Audience } from './principal';

export interface DeclaredRule {
  type: 'Query' | 'Mutation';
  field: string;
  audience: Audience[] | null;
  resolver: string;
}

const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';

/** Lists every root GraphQL operation with its declared rule, for the access table test and the admin page. */
@Injectable()
export class AccessRulesService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  rules(): DeclaredRule[] {
    const out: DeclaredRule[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = proto[method];
        const type = Reflect.getMetadata(RESOLVER_TYPE, fn);
        if (type !== 'Query' && type !== 'Mutation') continue;
        const field = Reflect.getMetadata(RESOLVER_NAME, fn) ?? method;
        const audience = this.reflector.getAllAndOverride<Audience[] | undefined>(ALLOW_METADATA, [fn, instance.constructor]) ?? null;
        out.push({ type, field, audience, resolver: `${instance.constructor.name}.${method}` });
      }
    }
    return out.sort((a, b) => (a.type + a.field).localeCompare(b.type + b.field));
  }
}
