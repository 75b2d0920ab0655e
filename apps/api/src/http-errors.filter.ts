import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDomainError } from '@marquee/platform-core';

/**
 * REST routes answer errors in the same shape as GraphQL ({errors: [{message, extensions: {code}}]}), so a client
 * handles one format. GraphQL errors are left to Apollo's formatError.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { requestId?: string }>();
    const requestId = req.requestId;
    if (isDomainError(exception)) {
      return res
        .status(exception.httpStatus)
        .json({ errors: [{ message: exception.message, extensions: { code: exception.code, ...exception.details, requestId } }] });
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const message = status === 404 ? `Nothing at ${req.method} ${req.path}. GraphQL is at /graphql and the Studio at /studio.` : exception.message;
      return res.status(status).json({ errors: [{ message, extensions: { code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', requestId } }] });
    }
    this.logger.error(`Unhandled error on ${req.method} ${req.path} (request ${requestId}): ${(exception as Error)?.stack ?? String(exception)}`);
    return res.status(500).json({
      errors: [
        {
          message: `Something went wrong on our side. It was logged with request id ${requestId}; try again, and quote that id if it keeps happening.`,
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
  }
}
