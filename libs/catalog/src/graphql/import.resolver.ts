import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { pageSize } from '@marquee/platform-api';
import { Allow, Who } from '@marquee/platform-auth';
import { ImportService } from '../import/import.service';
import { ImportJobEntity, ImportStatus } from '../entities/import-job.entity';
import { ImportJobGql, ImportJobStateGql } from './item.types';

@Resolver(() => ImportJobGql)
export class ImportResolver {
  constructor(private readonly imports: ImportService) {}

  // Analysts read imports like the rest of the content's history (the Studio shows the Import page to every role);
  // only starting one is an editor's.
  @Query(() => ImportJobGql, { description: 'One import with its progress and per-row errors. Upload files with POST /api/imports.' })
  @Allow(...Who.staff)
  importJob(@Args('id', { type: () => ID }) id: string): Promise<ImportJobGql> {
    return this.imports.get(id);
  }

  @Query(() => [ImportJobGql], { description: 'Recent imports, newest first.' })
  @Allow(...Who.staff)
  importJobs(
    @Args('limit', { type: () => Int, nullable: true, description: 'How many, from 1 to 100 (default 20); anything else is BAD_USER_INPUT.' }) limit?: number,
  ): Promise<ImportJobGql[]> {
    return this.imports.list(pageSize(limit, 20, 100, 'limit'));
  }

  @ResolveField(() => ImportJobStateGql, { description: 'Where the import is.' })
  @Allow(...Who.staff)
  state(@Parent() job: ImportJobEntity): ImportStatus {
    return job.status;
  }
}
